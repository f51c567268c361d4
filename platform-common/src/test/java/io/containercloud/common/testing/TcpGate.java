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
 * silent), and {@link #cutAfterClientSends} loses the server's answer to what the client sent after
 * some texts in turn, then drops the connection (a commit the server made but the client never
 * heard of).
 */
public final class TcpGate implements AutoCloseable {

  // how long a connection whose answer was lost stays open: the server finishes its work meanwhile
  private static final long ANSWER_LOST_FOR_MS = 1_000;

  private final int target;
  private final ServerSocket listener;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicLong heldBytes = new AtomicLong();
  private final Object gate = new Object();
  private volatile boolean refusing;
  private volatile boolean frozen;
  private volatile List<String> trap;
  private volatile String freezeOn;
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
    heldBytes.set(0);
    frozen = true;
  }

  /**
   * Passes bytes until the client sends {@code text} (case-insensitive, within one read), then
   * freezes with those bytes held: the request that carries it waits on a silent server.
   */
  public void freezeWhenClientSends(String text) {
    heldBytes.set(0);
    freezeOn = text.toLowerCase(Locale.ROOT);
  }

  /** Passes bytes and takes connections again. */
  public void open() {
    refusing = false;
    trap = null;
    freezeOn = null;
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
   * On the first connection on which the client sends each of {@code texts} in turn
   * (case-insensitive, each within one read), passes the last one to the server, drops every answer
   * from then on and closes the connection a second later; new connections are refused until {@link
   * #open()}. For example {@code ("insert into idempotency_key", "commit")}: the server commits,
   * the client never hears so.
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
        Link link = new Link(client, server);
        pump(client, server, link, true);
        pump(server, client, link, false);
      } catch (IOException e) {
        // listener closed, or the target refused: the client sees its connection close
      }
    }
  }

  /** One proxied connection; once its answer is lost, nothing more reaches the client. */
  private static final class Link {
    final Socket client;
    final Socket server;
    volatile boolean answerLost;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }
  }

  private void pump(Socket from, Socket to, Link link, boolean fromClient) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              int matched = 0; // how many of the trap's texts this connection has sent
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  String freezing = freezeOn;
                  if (fromClient
                      && freezing != null
                      && new String(buffer, 0, n, StandardCharsets.ISO_8859_1)
                          .toLowerCase(Locale.ROOT)
                          .contains(freezing)) {
                    freezeOn = null;
                    frozen = true;
                  }
                  awaitThawed(n);
                  if (!fromClient && link.answerLost) {
                    continue; // the server's answer is dropped
                  }
                  List<String> armed = trap;
                  boolean sprung =
                      fromClient
                          && armed != null
                          && matched < armed.size()
                          && new String(buffer, 0, n, StandardCharsets.ISO_8859_1)
                              .toLowerCase(Locale.ROOT)
                              .contains(armed.get(matched))
                          && ++matched == armed.size();
                  if (sprung) {
                    trapped = true;
                    trap = null;
                    refusing = true;
                    // the server works on with its connection open and answers into the void
                    // (lost before the request leaves, so no quick answer slips through); then
                    // the connection goes, as when a network path dies after a request
                    link.answerLost = true;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                  if (sprung) {
                    closeLater(link);
                  }
                }
              } catch (IOException e) {
                // cut, or closed by either side
              } finally {
                close(from);
                close(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "tcp-gate-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeLater(Link link) {
    Thread closer =
        new Thread(
            () -> {
              try {
                Thread.sleep(ANSWER_LOST_FOR_MS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              close(link.client);
              close(link.server);
            },
            "tcp-gate-closer");
    closer.setDaemon(true);
    closer.start();
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
