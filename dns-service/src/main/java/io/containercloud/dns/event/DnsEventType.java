package io.containercloud.dns.event;

import io.containercloud.common.event.EventType;

/** What dns-service announces on {@code dns-events}. */
public enum DnsEventType implements EventType {
  RECORD_SET_CREATED("dns.record-set.created"),
  RECORD_SET_UPDATED("dns.record-set.updated"),
  RECORD_SET_DELETED("dns.record-set.deleted"),
  DRIFT_REPAIRED("dns.drift.repaired");

  private final String value;

  DnsEventType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
