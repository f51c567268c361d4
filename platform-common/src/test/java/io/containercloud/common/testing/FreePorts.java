package io.containercloud.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for processes a test starts, free when picked and below the kernel's ephemeral
 * range (32768-60999 on Linux). A port the kernel gives for port 0 comes from that range, so any
 * outgoing connection's local end could take it before the process meant to listen there binds it
 * (seen: an e2e service failing to start on "port already in use"). Ports are handed out in turn
 * from a random start, so one test JVM never hands out the same port twice and two JVMs rarely walk
 * the same part of the range at once.
 */
public final class FreePorts {

  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;
  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(HIGH - LOW));

  private FreePorts() {}

  /** A loopback port nothing listens on now. */
  public static int pick() {
    for (int tried = 0; tried < HIGH - LOW; tried++) {
      int port = LOW + Math.floorMod(NEXT.getAndIncrement(), HIGH - LOW);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException taken) {
        // in use: the next one
      }
    }
    throw new IllegalStateException("no free loopback port in " + LOW + "-" + HIGH);
  }
}
