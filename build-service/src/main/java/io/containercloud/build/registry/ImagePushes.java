package io.containercloud.build.registry;

import io.containercloud.build.registry.sync.SyncPlanner;
import io.containercloud.common.event.CloudEvent;
import io.containercloud.common.event.Topic;
import io.containercloud.common.event.contract.ImagePushed;
import io.containercloud.common.outbox.Outbox;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records the pushes a registry announced and publishes {@code image.pushed} for each one seen for
 * the first time, and queues it for the sync policies it matches, in the same transaction: a
 * notification repeated (the registry's retries, or Harbor's) publishes and queues nothing more,
 * and a push recorded is always published and queued.
 */
@Component
class ImagePushes {

  private static final String SOURCE = "/build-service";
  private static final String PLATFORM = "platform";
  private static final Pattern TENANT = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private final JdbcTemplate jdbc;
  private final Outbox outbox;
  private final SyncPlanner sync;
  private final JsonMapper json;

  ImagePushes(JdbcTemplate jdbc, Outbox outbox, JsonMapper json, SyncPlanner sync) {
    this.jdbc = jdbc;
    this.outbox = outbox;
    this.sync = sync;
    this.json = json;
  }

  /** Returns how many of {@code pushes} were new. */
  @Transactional
  public int record(List<ImagePushed> pushes) {
    int fresh = 0;
    for (ImagePushed push : pushes) {
      int inserted =
          jdbc.update(
              "INSERT IGNORE INTO image_push (registry, repository, tag, digest) VALUES (?, ?, ?, ?)",
              push.registry(),
              push.repository(),
              push.tag(),
              push.digest());
      if (inserted == 1) {
        // the project is the tenant's; a project no tenant can own concerns no tenant's workloads
        String tenant = TENANT.matcher(push.project()).matches() ? push.project() : PLATFORM;
        outbox.append(
            Topic.IMAGE_EVENTS,
            push.key(),
            CloudEvent.of(SOURCE, ImagePushed.TYPE, push.key(), tenant, json.valueToTree(push)));
        sync.onPush(push); // the event policies it matches, queued with it
        fresh++;
      }
    }
    return fresh;
  }
}
