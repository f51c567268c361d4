package io.containercloud.dns.bind;

/** Where a zone is pushed: its primary server and the TSIG key that signs updates. */
public record ZoneTarget(String zone, String host, int port, String tsigKey) {}
