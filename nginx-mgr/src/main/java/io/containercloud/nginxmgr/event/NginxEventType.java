package io.containercloud.nginxmgr.event;

import io.containercloud.common.event.EventType;

/** What nginx-mgr announces on {@code nginx-events}. */
public enum NginxEventType implements EventType {
  UPSTREAM_SWITCHED("nginx.upstream.switched");

  private final String value;

  NginxEventType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
