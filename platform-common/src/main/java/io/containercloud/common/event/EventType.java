package io.containercloud.common.event;

/**
 * The {@code type} attribute of an event. Each service lists its types in an enum implementing
 * this, so a typo cannot create a new event type.
 */
public interface EventType {

  /** The dotted CloudEvents type, for example {@code cluster.failed}. */
  String value();
}
