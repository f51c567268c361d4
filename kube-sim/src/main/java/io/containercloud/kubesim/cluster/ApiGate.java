package io.containercloud.kubesim.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The cluster's public API port: a TCP relay to the in-memory API server. Closing it makes the
 * cluster unreachable the way a failed machine room is (connections refused, open ones cut) while
 * the cluster keeps its state and its pods keep running; opening it again heals it.
 */
final class ApiGate {

  private final InetAddress bind;
  private volatile int port; // 0 until the first bind when any free port will do
  private final int target;
  private final ExecutorService relays = Executors.newCachedThreadPool(r -> daemon(r, "api-gate"));
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;

  ApiGate(InetAddress bind, int port, int target) {
    this.bind = bind;
    this.port = port;
    this.target = target;
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
    open.forEach(ApiGate::quietly);
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
        synchronized (this) {
          // accepted while the gate was closing: it must not outlive the close
          if (listener != accepting) {
            quietly(client);
            quietly(server);
            continue;
          }
          open.add(client);
          open.add(server);
        }
        relays.execute(() -> pump(client, server));
        relays.execute(() -> pump(server, client));
      } catch (IOException e) {
        // closed: the cluster failed or stopped
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away
    } finally {
      quietly(from);
      quietly(to);
      open.remove(from);
      open.remove(to);
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
