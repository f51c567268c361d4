package io.containercloud.nginx.hosts;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Whether VM members' hosts can be used: an IP address always, a host name only while it resolves.
 * nginx resolves names when it loads a configuration and refuses the whole configuration when one
 * does not, so nginx-mgr checks at validation and the agents check again before each render (a name
 * that stopped resolving leaves only its member out).
 *
 * <p>All names of one check are looked up side by side against one deadline, on threads made as
 * needed: a lookup the resolver never answers (it cannot be interrupted) holds its own thread only,
 * never the others' turn.
 */
public final class HostNames {

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");
  private static final ExecutorService LOOKUPS =
      Executors.newCachedThreadPool(
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

  /**
   * The hosts among {@code hosts} that are neither addresses nor resolve within {@code timeout}.
   */
  public static Set<String> unresolved(Collection<String> hosts, Duration timeout) {
    Map<String, Future<Boolean>> lookups = new LinkedHashMap<>();
    for (String host : hosts) {
      if (!isAddress(host)) {
        lookups.computeIfAbsent(host, h -> LOOKUPS.submit(() -> lookup(h)));
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> unresolved = new TreeSet<>();
    lookups.forEach(
        (host, lookup) -> {
          if (!resolvedBy(lookup, deadline)) {
            unresolved.add(host);
          }
        });
    return unresolved;
  }

  private static boolean lookup(String host) {
    try {
      return InetAddress.getAllByName(host).length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean resolvedBy(Future<Boolean> lookup, long deadline) {
    try {
      return lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      lookup.cancel(true);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
