package io.containercloud.kubesim.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The cluster's public API port: it terminates TLS with the cluster's serving certificate and
 * relays the plain bytes to the in-memory API server on its private loopback port, which
 * authenticates each request ({@link io.containercloud.kubesim.api.ApiServer}). Closing it makes
 * the cluster unreachable the way a failed machine room is (connections refused, open ones cut)
 * while the cluster keeps its state and its pods keep running; opening it again heals it.
 */
final class ApiGate {

  /** HTTP/1.1 only: the API server behind speaks it, and clients that offer h2 fall back to it. */
  private static final String[] PROTOCOLS = {"http/1.1"};

  private final InetAddress bind;
  private volatile int port; // 0 until the first bind when any free port will do
  private final int target;
  private final SSLSocketFactory tls;
  private final ExecutorService relays = Executors.newCachedThreadPool(r -> daemon(r, "api-gate"));
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;

  ApiGate(InetAddress bind, int port, int target, SSLContext tls) {
    this.bind = bind;
    this.port = port;
    this.target = target;
    this.tls = tls.getSocketFactory();
  }

  synchronized void open() {
    if (listener != null) {
      return;
    }
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(bind, port));
      port = socket.getLocalPort(); // a healed cluster answers where it did before
      listener = socket;
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + bind + ":" + port, e);
    }
    ServerSocket accepting = listener;
    relays.execute(() -> accept(accepting));
  }

  synchronized void close() {
    if (listener == null) {
      return;
    }
    quietly(listener);
    listener = null;
    open.forEach(Connection::cut);
    open.clear();
  }

  int port() {
    return port;
  }

  boolean isOpen() {
    return listener != null;
  }

  void shutdown() {
    close();
    relays.shutdownNow();
  }

  private void accept(ServerSocket accepting) {
    while (!accepting.isClosed()) {
      try {
        Socket client = accepting.accept();
        Socket server;
        try {
          server = new Socket(InetAddress.getLoopbackAddress(), target);
        } catch (IOException e) {
          quietly(client); // the API server behind is gone (stopping)
          continue;
        }
        Connection connection;
        try {
          connection = new Connection(client, secure(client), server);
        } catch (IOException e) {
          quietly(client);
          quietly(server);
          continue;
        }
        synchronized (this) {
          // accepted while the gate was closing: it must not outlive the close
          if (listener != accepting) {
            connection.cut();
            continue;
          }
          open.add(connection);
        }
        // the handshake happens on the first read, in the relay, never in this loop
        relays.execute(() -> pump(connection.tls(), server, connection));
        relays.execute(() -> pump(server, connection.tls(), connection));
      } catch (IOException e) {
        // closed: the cluster failed or stopped
      }
    }
  }

  private SSLSocket secure(Socket client) throws IOException {
    SSLSocket socket =
        (SSLSocket)
            tls.createSocket(
                client, client.getInetAddress().getHostAddress(), client.getPort(), true);
    socket.setUseClientMode(false);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(PROTOCOLS);
    parameters.setCipherSuites(chachaFirst(parameters.getCipherSuites()));
    parameters.setUseCipherSuitesOrder(true);
    socket.setSSLParameters(parameters);
    return socket;
  }

  /**
   * The same suites, ChaCha20-Poly1305 first. Java computes AES-GCM in plain Java code until the
   * optimizing compiler has compiled the TLS path (and never in a JVM run with only the quick
   * compiler, as the one-machine platform runs its services): 18 MB/s against 94 for ChaCha20
   * there, measured here, where with the optimizing compiler's intrinsics AES-GCM does 530. Every
   * suite stays allowed; a client that offers no ChaCha20 gets AES-GCM.
   */
  private static String[] chachaFirst(String[] suites) {
    return Arrays.stream(suites)
        .sorted(Comparator.comparing(suite -> !suite.contains("CHACHA20")))
        .toArray(String[]::new);
  }

  private void pump(Socket from, Socket to, Connection connection) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away, or the client failed the handshake
    } finally {
      connection.close();
      open.remove(connection);
    }
  }

  /**
   * A relayed connection: the client's TCP socket, the TLS layer over it, the socket to the API
   * server.
   */
  private record Connection(Socket client, SSLSocket tls, Socket server) {

    /** Drops both ends at the TCP level, without a TLS goodbye, as a failed machine room does. */
    void cut() {
      quietly(client);
      quietly(server);
      quietly(tls);
    }

    void close() {
      quietly(tls);
      quietly(client);
      quietly(server);
    }
  }

  private static void quietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
