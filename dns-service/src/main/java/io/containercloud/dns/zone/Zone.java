package io.containercloud.dns.zone;

import io.containercloud.dns.bind.ZoneTarget;

/**
 * A zone the platform may manage.
 *
 * @param name the zone's apex, lower case, without the final dot
 * @param serverHost the primary BIND server
 * @param serverPort its DNS port
 * @param tsigKey name of the TSIG key (from configuration) that signs updates and transfers
 * @param defaultTtl TTL of record sets created without one
 */
public record Zone(String name, String serverHost, int serverPort, String tsigKey, int defaultTtl) {

  public ZoneTarget target() {
    return new ZoneTarget(name, serverHost, serverPort, tsigKey);
  }
}
