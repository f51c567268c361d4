package io.containercloud.logcenter.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvCellsTest {

  @Test
  void quotesWhatRfc4180QuotesAndNeutralisesFormulas() {
    assertThat(CsvCells.cell("plain")).isEqualTo("plain");
    assertThat(CsvCells.cell(null)).isEmpty();
    assertThat(CsvCells.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(CsvCells.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(CsvCells.cell("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(CsvCells.cell("=1+1")).isEqualTo("'=1+1");
    assertThat(CsvCells.cell("+1")).isEqualTo("'+1");
    assertThat(CsvCells.cell("-1")).isEqualTo("'-1");
    assertThat(CsvCells.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(CsvCells.cell("\tx")).isEqualTo("'\tx");
    assertThat(CsvCells.cell("=HYPERLINK(\"x\",\"y\")"))
        .isEqualTo("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
  }
}
