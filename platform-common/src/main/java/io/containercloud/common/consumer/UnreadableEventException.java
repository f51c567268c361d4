package io.containercloud.common.consumer;

/**
 * Thrown by a listener for an event that can never be handled (not a CloudEvent, or missing what
 * the consumer needs). The shared Kafka error handler logs and skips it instead of retrying, so one
 * bad event cannot block its partition; every other failure is retried without end.
 */
public class UnreadableEventException extends RuntimeException {

  public UnreadableEventException(String message) {
    super(message);
  }
}
