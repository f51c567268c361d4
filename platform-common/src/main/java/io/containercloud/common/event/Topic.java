package io.containercloud.common.event;

/**
 * The Kafka topics of the platform: one per producing domain (ARCHITECTURE.md, "Events").
 *
 * <p>Keys are the aggregate id, so all events of one aggregate land in one partition in order.
 * {@link #ENDPOINT_EVENTS} is compacted: its consumers need only the latest endpoints per service.
 *
 * <p>These are logical names: on the broker each carries {@code platform.kafka.topic-prefix} in
 * front ({@link TopicNames}), so that tests and the local platform can share one broker.
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

  /**
   * The topics as property placeholders that resolve to their names on the broker, prefix included,
   * for {@code @KafkaListener(topics = Topic.Placeholders.ENDPOINT_EVENTS)}: an annotation takes
   * only constants. Every listener names its topics this way ({@code ArchitectureRules} checks it),
   * so no listener can miss the prefix.
   */
  public static final class Placeholders {

    /** The prefix's placeholder, empty when the property is not set. */
    public static final String PREFIX = "${" + TopicNames.PREFIX_PROPERTY + ":}";

    public static final String CLUSTER_EVENTS = PREFIX + "cluster-events";
    public static final String APP_EVENTS = PREFIX + "app-events";
    public static final String BUILD_EVENTS = PREFIX + "build-events";
    public static final String IMAGE_EVENTS = PREFIX + "image-events";
    public static final String ENDPOINT_EVENTS = PREFIX + "endpoint-events";
    public static final String NGINX_EVENTS = PREFIX + "nginx-events";
    public static final String DNS_EVENTS = PREFIX + "dns-events";
    public static final String AUDIT_EVENTS = PREFIX + "audit-events";

    private Placeholders() {}
  }
}
