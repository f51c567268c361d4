package io.containercloud.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SecretTest {

  record Holder(Secret key, String name) {}

  @Test
  void bindsFromTextAndShowsOnlyAMask() {
    var source =
        new MapConfigurationPropertySource(Map.of("x.key", "s3cr3t-value", "x.name", "demo"));

    Holder holder = new Binder(source).bind("x", Holder.class).get();

    assertThat(holder.key().reveal()).isEqualTo("s3cr3t-value");
    assertThat(holder.toString()).contains("demo").doesNotContain("s3cr3t");
    assertThat(String.valueOf(holder.key())).isEqualTo("******");
  }

  @Test
  void anAbsentValueRevealsEmptyText() {
    assertThat(Secret.of(null).reveal()).isEmpty();
  }
}
