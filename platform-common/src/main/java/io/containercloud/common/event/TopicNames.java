package io.containercloud.common.event;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names the platform's topics have on the broker: {@code platform.kafka.topic-prefix} (empty by
 * default) before each {@link Topic}'s name.
 *
 * <p>The prefix keeps deployments that share one broker apart: the tests run with {@code test.},
 * the e2e platform with {@code e2e.}, so a test run publishes on {@code test.endpoint-events} and
 * never makes the local platform's services create names, audit records or nginx members. Code
 * keeps naming the logical {@link Topic}; only the edges that meet Kafka apply the prefix (topic
 * declaration, the outbox relays, listeners through {@link Topic.Placeholders}).
 */
public final class TopicNames {

  /** The property that holds the prefix. */
  public static final String PREFIX_PROPERTY = "platform.kafka.topic-prefix";

  // Kafka's legal topic characters; the longest name stays far below its limit of 249
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{0,100}");

  private final String prefix;

  /** Names with {@code prefix} ({@code null} or empty: the plain topic names). */
  public TopicNames(String prefix) {
    String p = Objects.requireNonNullElse(prefix, "");
    if (!LEGAL.matcher(p).matches()) {
      throw new IllegalArgumentException(
          PREFIX_PROPERTY + " '" + p + "' is not [a-zA-Z0-9._-], up to 100 characters");
    }
    this.prefix = p;
  }

  public String prefix() {
    return prefix;
  }

  /** The name of {@code topic} on the broker. */
  public String of(Topic topic) {
    return prefix + topic.topicName();
  }

  /** The name on the broker of a topic stored by its logical name (an outbox row's). */
  public String of(String topicName) {
    return prefix + topicName;
  }
}
