package io.containercloud.build.registry;

import io.containercloud.common.config.Secret;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code platform.build.registry-events}: how registries prove their notifications.
 *
 * @param secret what the registries send as {@code Authorization: Bearer <secret>} (the
 *     distribution registry's endpoint header, Harbor's webhook policy's auth header); at least 16
 *     characters
 */
@Validated
@ConfigurationProperties("platform.build.registry-events")
record RegistryEventsProperties(@NotNull Secret secret) {

  RegistryEventsProperties {
    if (secret != null && secret.reveal().length() < 16) {
      throw new IllegalArgumentException(
          "platform.build.registry-events.secret (PLATFORM_REGISTRY_EVENTS_SECRET) must have at least 16 characters");
    }
  }
}
