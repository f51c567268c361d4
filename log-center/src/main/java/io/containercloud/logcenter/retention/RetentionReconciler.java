package io.containercloud.logcenter.retention;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.cat.indices.IndicesRecord;
import io.containercloud.common.elasticsearch.ContainerLogIndex;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the indices of container logs in shape, on a schedule: puts the index template (so mappings
 * are right even before any agent ran) and deletes each tenant's daily indices once their whole day
 * is older than the tenant's retention. Each run looks at everything again, so a run missed
 * (Elasticsearch away) is made up by the next.
 */
@Component
class RetentionReconciler {

  private static final Logger log = LoggerFactory.getLogger(RetentionReconciler.class);
  private static final Pattern INDEX =
      Pattern.compile("container-logs-(.+)\\.(\\d{4}\\.\\d{2}\\.\\d{2})");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd");

  private final ElasticsearchClient client;
  private final RestClient restClient;
  private final RetentionProperties properties;
  private final Clock clock;

  RetentionReconciler(
      ElasticsearchClient client,
      RestClient restClient,
      RetentionProperties properties,
      Clock clock) {
    this.client = client;
    this.restClient = restClient;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(initialDelay = 0, fixedDelayString = "${platform.logs.retention.interval:1h}")
  void reconcile() {
    try {
      ContainerLogIndex.ensureTemplate(restClient);
      List<String> expired = expired(clock.instant());
      if (!expired.isEmpty()) {
        client.indices().delete(d -> d.index(expired));
        log.info(
            "deleted {} container log indices past their retention: {}", expired.size(), expired);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("container log indices not looked after this time: {}", e.toString());
    }
  }

  /** The indices whose day ended before {@code now} minus their tenant's retention. */
  List<String> expired(Instant now) throws IOException {
    List<String> expired = new ArrayList<>();
    for (IndicesRecord index : client.cat().indices(c -> c.index("container-logs-*")).valueBody()) {
      Matcher name = INDEX.matcher(index.index());
      if (!name.matches()) {
        continue;
      }
      try {
        Instant dayEnd =
            LocalDate.parse(name.group(2), DAY)
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        if (!dayEnd.isAfter(now.minus(properties.keepFor(name.group(1))))) {
          expired.add(index.index());
        }
      } catch (DateTimeParseException e) {
        // not a day: not one of ours
      }
    }
    return expired;
  }
}
