package io.containercloud.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

class HeaderTextTest {

  private static final List<String> SAMPLES =
      List.of(
          "",
          "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
          "text/html; charset=utf-8",
          "a\tb",
          "a\u0000b",
          "line\r\nInjected: yes",
          "\u007f",
          "\u0085next-line",
          "\u0378unassigned",
          "caf\u00e9",
          "\ud83d\ude00 emoji",
          "\ud83d lone high surrogate",
          "\u00a0non-breaking space");

  @Test
  void agreesWithTheStrictFirewallsExpressionsOnEverySample() {
    for (String sample : SAMPLES) {
      assertThat(HeaderText.allowedName(sample))
          .as("name %s", sample)
          .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(sample));
      assertThat(HeaderText.allowedValue(sample))
          .as("value %s", sample)
          .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(sample));
    }
  }

  @Test
  void anAbsentHeaderPasses() {
    assertThat(HeaderText.allowedValue(null)).isTrue();
    assertThat(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(null)).isTrue();
  }

  @Test
  void aTabIsAllowedInAValueOnly() {
    assertThat(HeaderText.allowedValue("a\tb")).isTrue();
    assertThat(HeaderText.allowedName("a\tb")).isFalse();
    assertThat(HeaderText.allowedValue("a\r\nb")).isFalse();
  }
}
