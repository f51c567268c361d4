package io.containercloud.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a real server, for drills that cut a dependency in the middle
 * of a request: {@link #cut()} drops every open connection (and refuses new ones until {@link
 * #open()}), {@link #freeze()} stops passing bytes while connections stay up (a server gone
 * silent), and {@link #cutAfterClientSends} drops a connection right after the client sent some
 * texts in turn, before the server's answer reaches it (a commit the server made but the client
 * never heard of).
 */
public final class TcpGate implements AutoCloseable {

  private final int target;
  private final ServerSocket listener;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicLong heldBytes = new AtomicLong();
  private final Object gate = new Object();
  private volatile boolean refusing;
  private volatile boolean frozen;
  private volatile List<String> trap;
  private volatile boolean trapped;

  /** A gate on a free loopback port in front of {@code 127.0.0.1:targetPort}. */
  public TcpGate(int targetPort) throws IOException {
    this.target = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "tcp-gate-" + targetPort);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Drops every open connection and refuses new ones. */
  public void cut() {
    refusing = true;
    closeAll();
  }

  /** Stops passing bytes; connections stay open. */
  public void freeze() {
    frozen = true;
  }

  /** Passes bytes and takes connections again. */
  public void open() {
    refusing = false;
    trap = null;
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  /** Bytes that arrived while frozen and wait to pass. */
  public long heldBytes() {
    return heldBytes.get();
  }

  /**
   * Drops the first connection on which the client sends each of {@code texts} in turn
   * (case-insensitive, each within one read), right after passing the last one to the server and
   * before any answer reaches the client; then refuses new connections until {@link #open()}. For
   * example {@code ("insert into idempotency_key", "commit")}: the server commits, the client never
   * hears so.
   */
  public void cutAfterClientSends(String... texts) {
    trapped = false;
    trap = java.util.Arrays.stream(texts).map(t -> t.toLowerCase(Locale.ROOT)).toList();
  }

  /** Whether a {@link #cutAfterClientSends} trap went off. */
  public boolean trapped() {
    return trapped;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        if (refusing) {
          client.close();
          continue;
        }
        Socket server = new Socket();
        server.connect(new InetSocketAddress("127.0.0.1", target), 2_000);
        open.add(client);
        open.add(server);
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        // listener closed, or the target refused: the client sees its connection close
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              int matched = 0; // how many of the trap's texts this connection has sent
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  awaitThawed(n);
                  out.write(buffer, 0, n);
                  out.flush();
                  List<String> armed = trap;
                  if (fromClient
                      && armed != null
                      && matched < armed.size()
                      && new String(buffer, 0, n, StandardCharsets.ISO_8859_1)
                          .toLowerCase(Locale.ROOT)
                          .contains(armed.get(matched))
                      && ++matched == armed.size()) {
                    trapped = true;
                    trap = null;
                    refusing = true;
                    from.close(); // the client hears nothing more; the server got it all
                    return;
                  }
                }
              } catch (IOException e) {
                // cut, or closed by either side
              } finally {
                close(from);
                close(to);
              }
            },
            "tcp-gate-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void awaitThawed(int bytes) throws IOException {
    if (!frozen) {
      return;
    }
    heldBytes.addAndGet(bytes);
    synchronized (gate) {
      while (frozen) {
        try {
          gate.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
        if (refusing) {
          throw new IOException("cut while frozen");
        }
      }
    }
  }

  private void closeAll() {
    open.forEach(TcpGate::close);
    open.clear();
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    refusing = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    closeAll();
    open();
  }
}
