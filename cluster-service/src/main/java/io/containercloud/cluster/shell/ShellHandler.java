package io.containercloud.cluster.shell;

import io.containercloud.cluster.registry.ClusterClients;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Bridges a browser's WebSocket to an exec session in a pod's container (fabric8 exec). What the
 * user types is checked (printable text, tabs and line ends only) and recorded; it reaches the
 * container line by line, each line audited as {@code webshell.command} first. What the container
 * prints is recorded and sent back. The whole session stays for replay.
 */
@Component
class ShellHandler extends TextWebSocketHandler {

  private static final Logger log = LoggerFactory.getLogger(ShellHandler.class);
  static final String SESSION = "shell.session";

  private final ClusterClients clients;
  private final ShellSessions sessions;
  private final ShellProperties properties;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Open> open = new ConcurrentHashMap<>();

  ShellHandler(ClusterClients clients, ShellSessions sessions, ShellProperties properties) {
    this.clients = clients;
    this.sessions = sessions;
    this.properties = properties;
  }

  /** A live shell: the socket, the exec, and what belongs to its record. */
  private static final class Open {
    final ShellSessions.Session session;
    final WebSocketSession socket;
    final AtomicInteger seq = new AtomicInteger();
    final StringBuilder line = new StringBuilder();
    volatile ExecWatch exec;

    Open(ShellSessions.Session session, WebSocketSession socket) {
      this.session = session;
      this.socket = socket;
    }
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession socket) {
    ShellSessions.Session session = (ShellSessions.Session) socket.getAttributes().get(SESSION);
    Open shell =
        new Open(
            session,
            new ConcurrentWebSocketSessionDecorator(socket, 10_000, properties.maxMessage() * 64));
    open.put(socket.getId(), shell);
    sessions.open(session);
    try {
      PodResource pod =
          clients
              .client(session.cluster())
              .pods()
              .inNamespace(session.namespace())
              .withName(session.pod());
      var exec = session.container() == null ? pod : pod.inContainer(session.container());
      shell.exec =
          exec.redirectingInput()
              .writingOutput(new Printed(shell, "o"))
              .writingError(new Printed(shell, "e"))
              .usingListener(
                  new ExecListener() {
                    @Override
                    public void onFailure(Throwable t, Response response) {
                      end(shell, CloseStatus.SERVER_ERROR.withReason("exec failed"));
                    }

                    @Override
                    public void onClose(int code, String reason) {
                      end(shell, CloseStatus.NORMAL.withReason("shell ended"));
                    }
                  })
              .exec(properties.command());
    } catch (RuntimeException e) {
      log.info("web shell {} could not start: {}", session.id(), e.toString());
      end(shell, CloseStatus.SERVER_ERROR.withReason("cannot open a shell in that pod"));
    }
  }

  @Override
  protected void handleTextMessage(WebSocketSession socket, TextMessage message)
      throws IOException {
    Open shell = open.get(socket.getId());
    if (shell == null || shell.exec == null) {
      return;
    }
    String text = message.getPayload();
    if (!text.codePoints()
        .allMatch(c -> c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c != 0x7f)) {
      shell.socket.sendMessage(
          new TextMessage("refused: only printable characters, tabs and line ends\n"));
      return;
    }
    // only whole lines reach the container, each audited first: a line without its end waits
    // here, so closing the socket cannot make the shell run something never recorded
    List<String> commands = new ArrayList<>();
    StringBuilder forward = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '\n' || c == '\r') {
        String line = shell.line.toString();
        if (!line.isBlank()) {
          commands.add(line.strip());
        }
        forward.append(line).append('\n');
        shell.line.setLength(0);
      } else {
        shell.line.append(c);
      }
    }
    if (shell.line.length() > properties.maxMessage()) {
      shell.line.setLength(0);
      shell.socket.sendMessage(new TextMessage("refused: a line longer than allowed\n"));
    }
    sessions.typed(shell.session, shell.seq.getAndIncrement(), offset(shell), text, commands);
    if (!forward.isEmpty()) {
      shell.exec.getInput().write(forward.toString().getBytes(StandardCharsets.UTF_8));
      shell.exec.getInput().flush();
    }
  }

  @Override
  public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
    Open shell = open.remove(socket.getId());
    if (shell != null) {
      if (shell.exec != null) {
        shell.exec.close();
      }
      sessions.close(shell.session.id(), clock.instant());
    }
  }

  private void end(Open shell, CloseStatus status) {
    try {
      if (shell.socket.isOpen()) {
        shell.socket.close(status);
      }
    } catch (IOException e) {
      // the browser is gone already
    }
  }

  private long offset(Open shell) {
    return Duration.between(shell.session.startedAt(), clock.instant()).toMillis();
  }

  /** What the container prints: recorded, then sent to the browser. */
  private final class Printed extends OutputStream {
    private final Open shell;
    private final String stream;

    Printed(Open shell, String stream) {
      this.shell = shell;
      this.stream = stream;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
      sessions.record(shell.session.id(), shell.seq.getAndIncrement(), offset(shell), stream, text);
      if (shell.socket.isOpen()) {
        shell.socket.sendMessage(new TextMessage(text));
      }
    }
  }
}
