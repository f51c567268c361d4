package io.containercloud.nginxagent.balance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's side of nginx's admin server (platform_balancer.lua): pushes the whole state of the
 * upstreams that changed in one request, reads the versions nginx holds. HTTP/1.0 over the unix
 * socket, one request per connection, each bounded by a timeout.
 */
public final class PeerPush {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** One member as the balancer takes it; {@code host} is an IP address, IPv6 in brackets. */
  public record Member(
      String host, int port, int weight, boolean backup, int maxFails, int failTimeout) {}

  /** An upstream's whole state at a version. */
  public record State(long version, List<Member> members) {}

  /** nginx's answer: its status and body. */
  public record Answer(int status, String body) {

    public boolean ok() {
      return status / 100 == 2;
    }
  }

  private final Path socket;
  private final JsonMapper json;

  public PeerPush(Path socket, JsonMapper json) {
    this.socket = socket;
    this.json = json;
  }

  /**
   * Replaces the state of each upstream in {@code states}, all of them or none: refused (409) when
   * nginx holds a newer version of one.
   */
  public Answer put(Map<String, State> states) throws IOException {
    return exchange("PUT", "/upstreams", json.writeValueAsBytes(states));
  }

  /** Forgets an upstream's state (it is no longer in the configuration). */
  public Answer delete(String upstream) throws IOException {
    return exchange("DELETE", "/upstreams/" + upstream, null);
  }

  /** The version nginx holds for each upstream it has a state of. */
  public Map<String, Long> versions() throws IOException {
    Answer answer = exchange("GET", "/upstreams", null);
    if (!answer.ok()) {
      throw new IOException("nginx's admin server answered " + answer.status());
    }
    Map<String, Long> versions = new TreeMap<>();
    JsonNode held = json.readTree(answer.body()).path("upstreams");
    held.properties().forEach(e -> versions.put(e.getKey(), e.getValue().asLong()));
    return versions;
  }

  /** Sends one request and reads the whole answer (nginx closes an HTTP/1.0 connection). */
  Answer exchange(String method, String path, byte[] body) throws IOException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      String head =
          method
              + " "
              + path
              + " HTTP/1.0\r\nHost: nginx-agent\r\n"
              + (body == null
                  ? ""
                  : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
              + "\r\n";
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_WRITE);
      ByteBuffer request = ByteBuffer.wrap(concat(head.getBytes(StandardCharsets.US_ASCII), body));
      while (request.hasRemaining()) {
        await(selector, deadline);
        channel.write(request);
      }
      channel.register(selector, SelectionKey.OP_READ);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (true) {
        await(selector, deadline);
        int read = channel.read(buffer.clear());
        if (read < 0) {
          break;
        }
        answer.write(buffer.array(), 0, read);
      }
      return parse(answer.toString(StandardCharsets.UTF_8));
    }
  }

  private static void await(Selector selector, long deadline) throws IOException {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException("nginx's admin server did not answer within " + TIMEOUT);
      }
      if (selector.select(Math.max(1, left / 1_000_000)) > 0) {
        selector.selectedKeys().clear();
        return;
      }
    }
  }

  private static Answer parse(String text) throws IOException {
    int end = text.indexOf("\r\n\r\n");
    String[] status = text.substring(0, Math.max(0, text.indexOf("\r\n"))).split(" ");
    if (end < 0 || status.length < 2 || !status[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP answer from nginx's admin server");
    }
    try {
      return new Answer(Integer.parseInt(status[1]), text.substring(end + 4));
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status from nginx's admin server: " + status[1], e);
    }
  }

  private static byte[] concat(byte[] head, byte[] body) {
    if (body == null) {
      return head;
    }
    byte[] both = new byte[head.length + body.length];
    System.arraycopy(head, 0, both, 0, head.length);
    System.arraycopy(body, 0, both, head.length, body.length);
    return both;
  }
}
