package io.containercloud.kubesim.api;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The two pod subresources the platform uses: {@code log} (a few lines from the pod's life:
 * scheduled, started, ready, and how a Job's pod ended; with {@code container} that container's
 * start and exit) and {@code exec} (a small echo shell over the Kubernetes {@code
 * v4.channel.k8s.io} WebSocket protocol: channel 0 in, 1 stdout, 2 stderr, 3 the final status).
 */
final class PodSubresources {

  static final String CHANNEL_PROTOCOL = "v4.channel.k8s.io";

  /** The log of {@code podJson}: the pod's, or one container's ({@code 400} when it has none). */
  String log(String podJson, String container, boolean timestamps, String sinceTime) {
    Pod pod = Serialization.unmarshal(podJson, Pod.class);
    if (container == null || container.isEmpty()) {
      return log(pod);
    }
    Instant since;
    try {
      since = sinceTime == null || sinceTime.isEmpty() ? null : Instant.parse(sinceTime);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("invalid sinceTime: " + sinceTime);
    }
    return containerLog(pod, container, timestamps, since)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "container "
                        + container
                        + " is not valid for pod "
                        + pod.getMetadata().getName()));
  }

  /** Runs {@code command} in the pod's echo shell over {@code socket}. */
  void exec(String podJson, List<String> command, ServerWebSocket socket) {
    Shell shell = new Shell(Serialization.unmarshal(podJson, Pod.class), command, socket);
    socket.binaryMessageHandler(shell::received);
    shell.open();
  }

  /**
   * One container's lines (init or not): its image once it started, its exit code once it ended,
   * with their times as the kubelet writes them ({@code timestamps}) and only from {@code since} on
   * ({@code sinceTime}); empty when the pod has no such container. A follow ends with what there
   * is: a client following a running container reads again later, as after a broken stream.
   */
  private static Optional<String> containerLog(
      Pod pod, String container, boolean timestamps, Instant since) {
    Optional<Container> spec =
        Stream.concat(
                Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of()).stream(),
                pod.getSpec().getContainers().stream())
            .filter(c -> container.equals(c.getName()))
            .findFirst();
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    Optional<ContainerStatus> status =
        pod.getStatus() == null
            ? Optional.empty()
            : Stream.concat(
                    Optional.ofNullable(pod.getStatus().getInitContainerStatuses())
                        .orElse(List.of())
                        .stream(),
                    Optional.ofNullable(pod.getStatus().getContainerStatuses())
                        .orElse(List.of())
                        .stream())
                .filter(c -> container.equals(c.getName()))
                .findFirst();
    if (status.isEmpty() || status.get().getState() == null) {
      return Optional.of("");
    }
    var state = status.get().getState();
    var terminated = state.getTerminated();
    String startedAt =
        state.getRunning() != null
            ? state.getRunning().getStartedAt()
            : terminated != null ? terminated.getStartedAt() : null;
    StringBuilder log = new StringBuilder();
    if (startedAt != null) {
      line(log, startedAt, container + ": started " + spec.get().getImage(), timestamps, since);
    }
    if (terminated != null) {
      line(
          log,
          terminated.getFinishedAt(),
          container + ": exited " + terminated.getExitCode(),
          timestamps,
          since);
    }
    return Optional.of(log.toString());
  }

  private static void line(
      StringBuilder log, String at, String text, boolean timestamps, Instant since) {
    Instant time = Instant.parse(at);
    if (since != null && time.isBefore(since)) {
      return;
    }
    if (timestamps) {
      log.append(time).append(' ');
    }
    log.append(text).append('\n');
  }

  private static String log(Pod pod) {
    StringBuilder log = new StringBuilder();
    String start = Optional.ofNullable(pod.getMetadata().getCreationTimestamp()).orElse("-") + " ";
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (node == null) {
      return start + "waiting to be scheduled\n";
    }
    log.append(start).append("scheduled on ").append(node).append('\n');
    log.append(start)
        .append("started ")
        .append(pod.getSpec().getContainers().get(0).getImage())
        .append('\n');
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      log.append(start).append("exited: ").append(phase).append('\n');
    } else if (pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
      log.append(start).append("ready\n");
    }
    return log.toString();
  }

  /**
   * An echo shell: {@code sh} (or {@code bash}) reads lines from stdin; {@code sh -c "line"} and
   * any other command run once. It knows echo, hostname, pwd, whoami, ls, env, date and exit.
   */
  private static final class Shell {

    private final Pod pod;
    private final List<String> command;
    private final ServerWebSocket socket;
    private final StringBuilder line = new StringBuilder();

    Shell(Pod pod, List<String> command, ServerWebSocket socket) {
      this.pod = pod;
      this.command = command.isEmpty() ? List.of("sh") : command;
      this.socket = socket;
    }

    void open() {
      String program = command.get(0);
      boolean interactive = (program.equals("sh") || program.equals("bash")) && command.size() == 1;
      if (interactive) {
        return;
      }
      boolean script =
          (program.equals("sh") || program.equals("bash"))
              && command.size() == 3
              && command.get(1).equals("-c");
      run(socket, script ? command.get(2) : String.join(" ", command));
      exit(socket, 0);
    }

    void received(Buffer frame) {
      byte[] bytes = frame.getBytes();
      if (bytes.length == 0 || bytes[0] != 0) {
        return; // only stdin; resize (4) and others mean nothing here
      }
      for (char c : new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8).toCharArray()) {
        if (c != '\n') {
          line.append(c);
          continue;
        }
        String input = line.toString().trim();
        line.setLength(0);
        if (input.equals("exit") || input.startsWith("exit ")) {
          exit(socket, input.equals("exit") ? 0 : parse(input.substring(5)));
          return;
        }
        run(socket, input);
      }
    }

    private void run(ServerWebSocket socket, String input) {
      if (input.isEmpty()) {
        return;
      }
      String[] words = input.split("\\s+", 2);
      String args = words.length > 1 ? words[1] : "";
      String out =
          switch (words[0]) {
            case "echo" -> args;
            case "hostname" -> pod.getMetadata().getName();
            case "pwd" -> "/app";
            case "whoami" -> "app";
            case "ls" -> "app.jar\nconfig";
            case "date" -> java.time.Instant.now().toString();
            case "env" ->
                pod.getSpec().getContainers().get(0).getEnv() == null
                    ? ""
                    : pod.getSpec().getContainers().get(0).getEnv().stream()
                        .map(EnvVar::getName)
                        .map(n -> n + "=…")
                        .collect(Collectors.joining("\n"));
            default -> null;
          };
      if (out == null) {
        send(socket, 2, "sh: " + words[0] + ": not found\n");
      } else {
        send(socket, 1, out + "\n");
      }
    }

    private static int parse(String code) {
      try {
        return Integer.parseInt(code.trim());
      } catch (NumberFormatException e) {
        return 2;
      }
    }

    private static void exit(ServerWebSocket socket, int code) {
      send(
          socket,
          3,
          code == 0
              ? "{\"metadata\":{},\"status\":\"Success\"}"
              : "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\","
                  + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                  + code
                  + "\"}]}}");
      socket.close((short) 1000, "exit");
    }

    private static void send(ServerWebSocket socket, int channel, String text) {
      byte[] data = text.getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[data.length + 1];
      frame[0] = (byte) channel;
      System.arraycopy(data, 0, frame, 1, data.length);
      socket.writeBinaryMessage(Buffer.buffer(frame));
    }
  }
}
