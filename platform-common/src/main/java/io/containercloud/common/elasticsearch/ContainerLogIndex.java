package io.containercloud.common.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where container log records live in Elasticsearch, shared by log-agent (writes) and log-center
 * (searches, retention): a daily index per tenant, {@code container-logs-<tenant>.<yyyy.MM.dd>}.
 *
 * <p>A tenant's own indices make retention per tenant an index deletion (no delete-by-query over
 * shared indices) and keep one tenant's searches off another's data by the index pattern, with the
 * {@code tenant} field filtered as well. The dot after the tenant keeps {@code container-logs-a.*}
 * from matching tenant {@code a-b}: tenant names are DNS labels, which hold no dots. The prefix
 * stays clear of Elasticsearch's built-in {@code logs-*-*} data stream template. The cost is a
 * shard per tenant and day, which suits tens of tenants kept for weeks.
 */
public final class ContainerLogIndex {

  /** The tenant of records whose pod the agent could not attribute to one. */
  public static final String UNASSIGNED = "_unassigned";

  public static final String TEMPLATE = "container-logs";
  private static final String PREFIX = "container-logs-";
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

  private ContainerLogIndex() {}

  /** The index a record of {@code tenant} written at {@code time} belongs to. */
  public static String name(String tenant, Instant time) {
    return PREFIX + tenant + "." + DAY.format(time);
  }

  /** Every index of {@code tenant}, and only of it. */
  public static String pattern(String tenant) {
    return PREFIX + tenant + ".*";
  }

  /** The template's mappings and settings, as the platform writes them. */
  public static JsonNode template() {
    try (InputStream in =
        ContainerLogIndex.class.getResourceAsStream(
            "/elasticsearch/container-logs-template.json")) {
      return JsonMapper.shared().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Puts the index template unless Elasticsearch holds this version or a newer one already: during
   * a rolling upgrade an older agent never takes a newer template back.
   */
  public static void ensureTemplate(RestClient client) throws IOException {
    JsonNode template = template();
    long wanted = template.get("version").asLong();
    if (installedVersion(client) >= wanted) {
      return;
    }
    Request put = new Request("PUT", "/_index_template/" + TEMPLATE);
    put.setEntity(new StringEntity(template.toString(), ContentType.APPLICATION_JSON));
    client.performRequest(put);
  }

  private static long installedVersion(RestClient client) throws IOException {
    try {
      JsonNode answer =
          JsonMapper.shared()
              .readTree(
                  client
                      .performRequest(new Request("GET", "/_index_template/" + TEMPLATE))
                      .getEntity()
                      .getContent());
      return answer
          .path("index_templates")
          .path(0)
          .path("index_template")
          .path("version")
          .asLong(-1);
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return -1;
      }
      throw e;
    }
  }
}
