package io.containercloud.nginxmgr.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ServerRequestTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void isStoredForItsOwnerWithEveryFieldAsSentAndTheDefaultsSpelledOut() {
    ServerRequest sent =
        JSON.readValue(
            """
            {"name":"shop","tenant":"someone-else","serverNames":["shop.example.com"],
             "listen":[{"port":443,"ssl":true}],"tls":{"certificate":"shop-cert"},
             "locations":[{"path":"/","match":"prefix","upstream":"shop","readTimeout":"30s",
                           "clientMaxBodySize":"10m","setHeaders":{"X-Team":"$remote_addr"}}]}""",
            ServerRequest.class);

    String stored = JSON.writeValueAsString(sent.toDocument("tenant-a", null));

    assertThat(JSON.readTree(stored))
        .isEqualTo(
            JSON.readTree(
                """
                {"name":"shop","tenant":"tenant-a","serverNames":["shop.example.com"],
                 "listen":[{"port":443,"ssl":true,"http2":false}],"tls":{"certificate":"shop-cert"},
                 "locations":[{"path":"/","match":"prefix","upstream":"shop","connectTimeout":null,
                               "readTimeout":"30s","sendTimeout":null,
                               "setHeaders":{"X-Team":"$remote_addr"},"websocket":false,
                               "clientMaxBodySize":"10m"}]}"""));
  }

  @Test
  void aServerWithoutListenersOrTlsIsStoredWithNulls() {
    ServerRequest sent =
        JSON.readValue(
            """
            {"name":"shop","serverNames":["shop.example.com"],
             "locations":[{"path":"/api","match":"exact","upstream":"api","websocket":true}]}""",
            ServerRequest.class);

    String stored = JSON.writeValueAsString(sent.toDocument("tenant-a", null));

    assertThat(JSON.readTree(stored).get("listen").isNull()).isTrue();
    assertThat(JSON.readTree(stored).get("tls").isNull()).isTrue();
    assertThat(JSON.readTree(stored).get("locations").get(0).get("websocket").asBoolean()).isTrue();
  }
}
