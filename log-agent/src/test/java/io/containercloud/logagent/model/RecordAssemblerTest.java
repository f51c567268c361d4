package io.containercloud.logagent.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordAssemblerTest {

  private RecordAssembler assembler = new RecordAssembler(1000, Position.start());
  private final List<LogRecord> records = new ArrayList<>();
  private final List<Long> starts = new ArrayList<>();
  private long offset;

  @Test
  void aCriLineIsReadAndAMalformedOneKeptWholeAsStdout() {
    LogLine line = LogLine.cri("2026-12-05T10:00:00.123456789+08:00 stderr F boom", 0, 50);
    assertThat(line.time()).isEqualTo(Instant.parse("2026-12-05T02:00:00.123456789Z"));
    assertThat(line.stream()).isEqualTo("stderr");
    assertThat(line.partial()).isFalse();
    assertThat(line.message()).isEqualTo("boom");
    assertThat(LogLine.cri("2026-12-05T10:00:00Z stdout P ", 0, 31).message()).isEmpty();

    for (String bad :
        List.of("not a cri line", "2026-12-05T10:00:00Z stdin F x", "garbage F x y")) {
      LogLine kept = LogLine.cri(bad, 0, bad.length() + 1);
      assertThat(kept.time()).isNull();
      assertThat(kept.stream()).isEqualTo("stdout");
      assertThat(kept.message()).isEqualTo(bad);
    }
  }

  @Test
  void partialLinesAreJoinedIntoTheirRecord() {
    add("stdout", true, "first half ");
    add("stderr", false, "WARN between");
    add("stdout", false, "second half");
    add("stdout", false, "next");
    records.addAll(assembler.flush());

    assertThat(records)
        .extracting(LogRecord::message)
        .containsExactly("first half second half", "WARN between", "next");
    assertThat(records.get(0).offset()).isZero();
    assertThat(records.get(0).end()).isEqualTo(offsetOf(3));
  }

  @Test
  void aStackTraceIsOneRecordAndItsStreamsNeighbourStaysApart() {
    add("stdout", false, "ERROR seq=1 java.lang.IllegalStateException: failed");
    add("stdout", false, "\tat io.example.Service.handle(Service.java:42)");
    add("stderr", false, "INFO on the other stream");
    add("stdout", false, "Caused by: java.io.IOException: broken pipe");
    add("stdout", false, "    at io.example.Client.send(Client.java:88)");
    add("stdout", false, "\t... 2 more");
    add("stdout", false, "INFO seq=2 after");
    records.addAll(assembler.flush());

    assertThat(records)
        .extracting(LogRecord::message)
        .containsExactly(
            "ERROR seq=1 java.lang.IllegalStateException: failed\n"
                + "\tat io.example.Service.handle(Service.java:42)\n"
                + "Caused by: java.io.IOException: broken pipe\n"
                + "    at io.example.Client.send(Client.java:88)\n"
                + "\t... 2 more",
            "INFO on the other stream",
            "INFO seq=2 after");
    assertThat(records).extracting(LogRecord::level).containsExactly("ERROR", "INFO", "INFO");
  }

  @Test
  void aRecordOverTheCapIsCutFlaggedAndTheNextStartsWhereItShould() {
    assembler = new RecordAssembler(100, Position.start());
    add("stdout", true, "x".repeat(80));
    add("stdout", true, "y".repeat(80));
    add("stdout", false, "z".repeat(10));
    add("stdout", false, "next");
    records.addAll(assembler.flush());

    assertThat(records.get(0).message()).hasSize(100).startsWith("x".repeat(80) + "y");
    assertThat(records.get(0).truncated()).isTrue();
    assertThat(records.get(1).message()).isEqualTo("next");
    assertThat(records.get(1).truncated()).isFalse();
  }

  @Test
  void readingResumesAtTheEarliestRecordNotYetComplete() {
    add("stdout", false, "one");
    add("stderr", false, "two");
    add("stdout", false, "three"); // completes "one"

    assertThat(records).extracting(LogRecord::message).containsExactly("one");
    assertThat(assembler.resume(offset).offset()).isEqualTo(offsetOf(1)); // "two" is still open
    records.addAll(assembler.flush());
    assertThat(assembler.resume(offset).offset()).isEqualTo(offset);
  }

  @Test
  void aLineWithoutATimeTakesTheOneBeforeItAgainWhenReadingResumes() {
    Instant first = Instant.parse("2026-12-05T10:00:00Z");
    Instant second = Instant.parse("2026-12-05T10:00:01Z");
    List<LogLine> lines =
        List.of(
            new LogLine(first, "stdout", false, "one", 0, 10),
            new LogLine(second, "stderr", false, "two", 10, 20),
            new LogLine(null, "stdout", false, "garbled", 20, 30),
            new LogLine(first, "stdout", false, "three", 30, 40));
    List<LogRecord> once = new ArrayList<>();
    lines.subList(0, 3).forEach(line -> once.addAll(assembler.add(line)));
    Position resume = assembler.resume(30); // "two" and "garbled" are open: from "two" on
    lines.subList(3, 4).forEach(line -> once.addAll(assembler.add(line)));
    once.addAll(assembler.flush());

    RecordAssembler again = new RecordAssembler(1000, resume);
    List<LogRecord> resumed = new ArrayList<>();
    lines.stream()
        .filter(line -> line.offset() >= resume.offset())
        .forEach(line -> resumed.addAll(again.add(line)));
    resumed.addAll(again.flush());

    assertThat(resume).isEqualTo(new Position(10, first));
    assertThat(once.subList(1, once.size())).isEqualTo(resumed);
    assertThat(resumed)
        .filteredOn(r -> r.message().equals("garbled"))
        .extracting(LogRecord::time)
        .containsExactly(second);
  }

  @Test
  void theLevelIsTheOneNamedNearTheStart() {
    assertThat(RecordAssembler.level("2026-12-05 10:00:00 [main] WARNING low disk"))
        .isEqualTo("WARN");
    assertThat(RecordAssembler.level("level=debug msg=x")).isNull();
    assertThat(RecordAssembler.level("x".repeat(300) + " ERROR late")).isNull();
    assertThat(RecordAssembler.level("INFORMATION is not a level")).isNull();
  }

  private void add(String stream, boolean partial, String message) {
    starts.add(offset);
    long end = offset + message.length() + 40; // the time, stream and tag before it
    records.addAll(
        assembler.add(
            new LogLine(
                Instant.parse("2026-12-05T10:00:00Z"), stream, partial, message, offset, end)));
    offset = end;
  }

  /** Where the {@code n}th line added (from 0) starts. */
  private long offsetOf(int n) {
    return starts.get(n);
  }
}
