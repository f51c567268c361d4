package io.containercloud.dns.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.error.FieldViolation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordSetSpecTest {

  private static final String ZONE = "platform.test";

  private static RecordSetSpec.Result validate(
      String name, String type, Integer ttl, List<String> values) {
    return RecordSetSpec.validate(ZONE, 300, name, type, ttl, values);
  }

  private static List<String> fields(RecordSetSpec.Result result) {
    assertThat(result).isInstanceOf(RecordSetSpec.Result.Invalid.class);
    return ((RecordSetSpec.Result.Invalid) result)
        .violations().stream().map(FieldViolation::field).toList();
  }

  @Test
  void acceptsAndCanonicalizesAValidSet() {
    RecordSetSpec spec =
        ((RecordSetSpec.Result.Valid)
                validate("Web.Platform.Test.", "a", null, List.of("10.0.0.2", "10.0.0.1")))
            .spec();
    assertThat(spec.name()).isEqualTo("web.platform.test");
    assertThat(spec.type()).isEqualTo(RecordType.A);
    assertThat(spec.ttl()).isEqualTo(300);
    assertThat(spec.values()).containsExactly("10.0.0.1", "10.0.0.2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "web;rm.platform.test", "web\n.platform.test", "we b.platform.test",
            "\"web\".platform.test",
        "web..platform.test", "-web.platform.test", "web-.platform.test", "wéb.platform.test",
        "$var.platform.test", "web{1}.platform.test", "include.platform.test#x", "a*.platform.test",
        "web._tcp.platform.test"
      })
  void rejectsHostileOrMalformedNames(String name) {
    assertThat(fields(validate(name, "A", null, List.of("10.0.0.1")))).containsExactly("name");
  }

  @Test
  void rejectsLabelsOver63AndNamesOver253Characters() {
    assertThat(fields(validate("a".repeat(64) + ".platform.test", "A", null, List.of("10.0.0.1"))))
        .containsExactly("name");
    String longName = ("a".repeat(60) + ".").repeat(4) + "platform.test";
    assertThat(fields(validate(longName, "A", null, List.of("10.0.0.1")))).containsExactly("name");
    assertThat(fields(validate("x".repeat(10_000), "A", null, List.of("10.0.0.1"))))
        .containsExactly("name");
  }

  @Test
  void allowsWildcardsAndServiceLabelsWhereDnsDoes() {
    assertThat(validate("*.apps.platform.test", "A", null, List.of("10.0.0.1")))
        .isInstanceOf(RecordSetSpec.Result.Valid.class);
    assertThat(
            validate(
                "_sip._tcp.platform.test", "SRV", null, List.of("10 5 5060 sip.platform.test")))
        .isInstanceOf(RecordSetSpec.Result.Valid.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"256.0.0.1", "10.0.0", "010.0.0.1", "10.0.0.1 ", "10.0.0.1;", "localhost", ""})
  void rejectsInvalidIpv4(String value) {
    assertThat(fields(validate("web.platform.test", "A", null, List.of(value))))
        .containsExactly("values[0]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fd00::1::2", "10.0.0.1", "fd00:zz::1", "example.com", "::1%eth0"})
  void rejectsInvalidIpv6(String value) {
    assertThat(fields(validate("web.platform.test", "AAAA", null, List.of(value))))
        .containsExactly("values[0]");
  }

  @Test
  void canonicalizesIpv6SoEquivalentSpellingsCompareEqual() {
    RecordSetSpec a =
        ((RecordSetSpec.Result.Valid)
                validate("v6.platform.test", "AAAA", null, List.of("FD00::1")))
            .spec();
    RecordSetSpec b =
        ((RecordSetSpec.Result.Valid)
                validate("v6.platform.test", "AAAA", null, List.of("fd00:0:0:0:0:0:0:1")))
            .spec();
    assertThat(a.values()).isEqualTo(b.values());
  }

  @Test
  void cnameIsSingleAndNotAtTheApex() {
    assertThat(
            fields(
                validate(
                    "www.platform.test",
                    "CNAME",
                    null,
                    List.of("a.platform.test", "b.platform.test"))))
        .containsExactly("values");
    assertThat(fields(validate("platform.test", "CNAME", null, List.of("a.example.com"))))
        .containsExactly("name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"line\nbreak", "quote\"d", "back\\slash", "tab\there", "né"})
  void txtAllowsOnlyPrintableAsciiWithoutQuotes(String value) {
    assertThat(fields(validate("t.platform.test", "TXT", null, List.of(value))))
        .containsExactly("values[0]");
  }

  @Test
  void txtLengthIsBounded() {
    assertThat(
            validate(
                "t.platform.test", "TXT", null, List.of("v=DKIM1; k=rsa; p=" + "A".repeat(400))))
        .isInstanceOf(RecordSetSpec.Result.Valid.class);
    assertThat(
            fields(
                validate(
                    "t.platform.test", "TXT", null, List.of("x".repeat(RecordType.MAX_TXT + 1)))))
        .containsExactly("values[0]");
  }

  @Test
  void srvFieldsAreBounded() {
    assertThat(
            fields(
                validate(
                    "_x._tcp.platform.test", "SRV", null, List.of("10 5 70000 a.platform.test"))))
        .containsExactly("values[0]");
    assertThat(fields(validate("_x._tcp.platform.test", "SRV", null, List.of("10 5 80 a;b"))))
        .containsExactly("values[0]");
  }

  @Test
  void ttlAndTypeAndValueCountAreChecked() {
    assertThat(fields(validate("web.platform.test", "A", 5, List.of("10.0.0.1"))))
        .containsExactly("ttl");
    assertThat(fields(validate("web.platform.test", "MX", null, List.of("10.0.0.1"))))
        .containsExactly("type");
    assertThat(fields(validate("web.platform.test", "A", null, List.of())))
        .containsExactly("values");
  }

  @Test
  void aChangeNamingAnotherNameOrTypeIsNamedNotIgnored() {
    assertThat(
            RecordSetSpec.identityChanges(
                "web.platform.test", RecordType.A, "api.platform.test", "AAAA"))
        .extracting(FieldViolation::field)
        .containsExactly("name", "type");
    assertThat(RecordSetSpec.identityChanges("web.platform.test", RecordType.A, "web;x", null))
        .extracting(FieldViolation::field)
        .containsExactly("name");
  }

  @Test
  void aChangeLeavingOutOrRepeatingNameAndTypeIsFine() {
    assertThat(RecordSetSpec.identityChanges("web.platform.test", RecordType.A, null, null))
        .isEmpty();
    assertThat(
            RecordSetSpec.identityChanges(
                "web.platform.test", RecordType.A, "Web.Platform.Test.", "a"))
        .isEmpty();
  }
}
