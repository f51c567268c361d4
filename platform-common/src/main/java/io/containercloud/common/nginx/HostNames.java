package io.containercloud.common.nginx;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Whether a VM member's host can be used: an IP address always, a host name only while it resolves.
 * nginx resolves names when it loads a configuration and refuses the whole configuration when one
 * does not, so nginx-mgr checks at validation and the agents check again before each render (a name
 * that stopped resolving leaves only its member out).
 */
public final class HostNames {

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");
  private static final ExecutorService LOOKUPS =
      Executors.newFixedThreadPool(
          4,
          task -> {
            Thread thread = new Thread(task, "host-lookup");
            thread.setDaemon(true);
            return thread;
          });

  private HostNames() {}

  /** Whether {@code host} is an IPv4 or IPv6 literal (no lookup needed). */
  public static boolean isAddress(String host) {
    return IPV4.matcher(host).matches() || host.contains(":");
  }

  /** Whether {@code host} is an address, or a name that resolves within {@code timeout}. */
  public static boolean resolves(String host, Duration timeout) {
    if (isAddress(host)) {
      return true;
    }
    Future<Boolean> lookup =
        LOOKUPS.submit(
            () -> {
              try {
                return InetAddress.getAllByName(host).length > 0;
              } catch (UnknownHostException e) {
                return false;
              }
            });
    try {
      return lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      lookup.cancel(true);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }
}
