package io.containercloud.common.event;

/**
 * The {@code type} attribute of an event. Each service lists its types in an enum implementing
 * this, so a typo cannot create a new event type.
 */
public interface EventType {

  /** The dotted CloudEvents type, for example {@code cluster.failed}. */
  String value();

  /**
   * The CloudEvents {@code dataschema} of a type whose {@code data} other services read: it names
   * the shared definition and its version (see {@code contract/}); null for a type only its own
   * service reads.
   */
  default String dataschema() {
    return null;
  }
}
