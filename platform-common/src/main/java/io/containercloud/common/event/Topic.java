package io.containercloud.common.event;

/**
 * The Kafka topics of the platform: one per producing domain (ARCHITECTURE.md, "Events").
 *
 * <p>Keys are the aggregate id, so all events of one aggregate land in one partition in order.
 * {@link #ENDPOINT_EVENTS} is compacted: its consumers need only the latest endpoints per service.
 */
public enum Topic {
  CLUSTER_EVENTS("cluster-events", false),
  APP_EVENTS("app-events", false),
  BUILD_EVENTS("build-events", false),
  IMAGE_EVENTS("image-events", false),
  ENDPOINT_EVENTS("endpoint-events", true),
  NGINX_EVENTS("nginx-events", false),
  DNS_EVENTS("dns-events", false),
  AUDIT_EVENTS("audit-events", false);

  private final String topicName;
  private final boolean compacted;

  Topic(String topicName, boolean compacted) {
    this.topicName = topicName;
    this.compacted = compacted;
  }

  public String topicName() {
    return topicName;
  }

  public boolean compacted() {
    return compacted;
  }
}
