package io.containercloud.kubesim.cluster.controller;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.springframework.util.FileSystemUtils;

/**
 * The container logs of Running pods, written where and how the kubelet keeps them, for log-agent
 * to read as it reads a real node: under each node's own folder, {@code
 * pods/<namespace>_<pod>_<uid>/<container>/0.log} in CRI lines ({@code <RFC 3339 time>
 * <stdout|stderr> <P|F> <message>}, a line over 16 KiB split into partial {@code P} lines), rotated
 * as the kubelet rotates (renamed to {@code 0.log.<yyyyMMdd-HHmmss>}, the older rotated files
 * gzipped through a {@code .tmp}, at most {@code maxFiles} kept), and a deleted pod's folder
 * removed {@code keepAfterDelete} after it went.
 *
 * <p>What a Deployment's containers write is set with {@link #chatter}; none writes by default (a
 * file is made for every container all the same, as the kubelet does). Every record carries {@code
 * seq=<n>}, counted per container from 1, so a test can tell each record lost or shipped twice; a
 * Java stack trace is one record over several lines, its first line carrying the number.
 */
public final class ContainerLogs {

  /** The most a CRI line holds of a message; longer ones go out as partial lines. */
  static final int CRI_LINE_MAX = 16 * 1024;

  private static final DateTimeFormatter ROTATED =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /**
   * What a Deployment's containers write.
   *
   * @param linesPerSecond records per second per container
   * @param lineLength the length of an ordinary record's message
   * @param stderrShare the share of records on stderr
   * @param stackTraceShare the share of records that are Java stack traces (several lines)
   * @param longLineShare the share of records longer than 16 KiB (written as partial lines)
   */
  public record Chatter(
      double linesPerSecond,
      int lineLength,
      double stderrShare,
      double stackTraceShare,
      double longLineShare) {}

  /**
   * Where and how much is kept.
   *
   * @param root the folder under which each node has its own ({@code <root>/<node>/pods/...})
   * @param maxSize a container's log file is rotated once it is this long
   * @param maxFiles files kept per container, the one written included
   * @param keepAfterDelete how long a deleted pod's folder stays
   */
  public record Settings(Path root, long maxSize, int maxFiles, Duration keepAfterDelete) {}

  /** Container logs were asked for of a simulator that writes none. */
  public static final class Off extends IllegalStateException {
    public Off() {
      super("container logs are off: kube-sim.logs.dir is not set");
    }
  }

  private final Settings settings;
  private final Map<String, Chatter> chatter = new ConcurrentHashMap<>();
  private final Map<String, Output> outputs = new HashMap<>();
  private final Map<Path, Instant> gone = new HashMap<>();
  private boolean swept; // the folders a previous run left: looked for at the first write

  public ContainerLogs(Settings settings) {
    this.settings = settings;
  }

  /** Sets what the containers of a Deployment write; {@code null} or no lines: quiet. */
  public void chatter(String namespace, String deployment, Chatter chatter) {
    String key = namespace + "/" + deployment;
    if (chatter == null || chatter.linesPerSecond() <= 0) {
      this.chatter.remove(key);
    } else {
      this.chatter.put(key, chatter);
    }
  }

  /**
   * Writes what the Running pods' containers owe by {@code now}, rotates what grew too long and
   * removes the folders of pods gone long enough; from one thread only. A pod that ended keeps its
   * logs until it is deleted, as on a node.
   */
  public void write(List<Pod> pods, Instant now) {
    Set<String> present = new HashSet<>();
    Set<Path> presentFolders = new HashSet<>();
    for (Pod pod : pods) {
      if (pod.getSpec().getNodeName() == null
          || pod.getMetadata().getUid() == null
          || Pods.deleting(pod)) {
        continue;
      }
      presentFolders.add(podFolder(pod));
      boolean running = pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
      String deployment = Pods.label(pod, DeploymentController.OWNER);
      Chatter says =
          deployment == null
              ? null
              : chatter.get(pod.getMetadata().getNamespace() + "/" + deployment);
      for (Container container : pod.getSpec().getContainers()) {
        String key = pod.getMetadata().getUid() + "/" + container.getName();
        present.add(key);
        Output output = outputs.get(key);
        if (output == null && running) {
          output = open(pod, container.getName(), now);
          outputs.put(key, output);
        }
        if (output != null && running && says != null) {
          output.write(says, now);
        } else if (output != null) {
          output.last = now; // nothing owed for time spent quiet or stopped
        }
      }
    }
    retire(present, now);
    if (!swept) {
      sweep(presentFolders, now);
      swept = true;
    }
  }

  /**
   * Folders of pods that no longer exist, left by an earlier run of the simulator, go as a deleted
   * pod's do: the kubelet's garbage collection, so a node's folder does not grow run after run.
   */
  private void sweep(Set<Path> present, Instant now) {
    if (!Files.isDirectory(settings.root())) {
      return;
    }
    try (Stream<Path> nodes = Files.list(settings.root())) {
      for (Path node : nodes.toList()) {
        Path pods = node.resolve("pods");
        if (!Files.isDirectory(pods)) {
          continue;
        }
        try (Stream<Path> folders = Files.list(pods)) {
          folders.filter(f -> !present.contains(f)).forEach(f -> gone.putIfAbsent(f, now));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + settings.root(), e);
    }
  }

  /** Closes the files of pods deleted; removes their folders once kept long enough. */
  private void retire(Set<String> present, Instant now) {
    for (Iterator<Map.Entry<String, Output>> it = outputs.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Output> entry = it.next();
      if (!present.contains(entry.getKey())) {
        entry.getValue().close();
        gone.putIfAbsent(entry.getValue().podFolder, now);
        it.remove();
      }
    }
    // a pod's uid is its own: a folder once gone is never written again
    gone.entrySet()
        .removeIf(
            folder -> {
              if (now.isBefore(folder.getValue().plus(settings.keepAfterDelete()))) {
                return false;
              }
              delete(folder.getKey());
              return true;
            });
  }

  private Output open(Pod pod, String container, Instant now) {
    Path podFolder = podFolder(pod);
    return new Output(podFolder, podFolder.resolve(container), now, pod.getMetadata().getUid());
  }

  private Path podFolder(Pod pod) {
    return settings
        .root()
        .resolve(pod.getSpec().getNodeName())
        .resolve("pods")
        .resolve(
            pod.getMetadata().getNamespace()
                + "_"
                + pod.getMetadata().getName()
                + "_"
                + pod.getMetadata().getUid());
  }

  private static void delete(Path folder) {
    try {
      FileSystemUtils.deleteRecursively(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + folder, e);
    }
  }

  /** One container's log: its open file, how many records it wrote and what it still owes. */
  private final class Output {

    private final Path podFolder;
    private final Path folder;
    private final Path file;
    private final Random random;
    private OutputStream out;
    private long size;
    private long seq;
    private double owed;
    private Instant last;

    Output(Path podFolder, Path folder, Instant now, String uid) {
      this.podFolder = podFolder;
      this.folder = folder;
      this.file = folder.resolve("0.log");
      this.random = new Random(uid.hashCode()); // the same pod writes the same records
      this.last = now;
      try {
        Files.createDirectories(folder);
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + file, e);
      }
    }

    void write(Chatter says, Instant now) {
      owed += says.linesPerSecond() * Duration.between(last, now).toNanos() / 1e9;
      last = now;
      StringBuilder lines = new StringBuilder();
      while (owed >= 1) {
        owed--;
        record(says, now, lines);
        if (size + lines.length() >= settings.maxSize()) {
          flush(lines);
          rotate(now);
        }
      }
      flush(lines);
    }

    private void record(Chatter says, Instant now, StringBuilder lines) {
      String stream = random.nextDouble() < says.stderrShare() ? "stderr" : "stdout";
      String time = now.toString();
      long n = ++seq;
      double kind = random.nextDouble();
      if (kind < says.stackTraceShare()) {
        // as a logger prints one: the message and exception on the first line, then the frames
        line(
            lines,
            time,
            stream,
            "F",
            "ERROR seq=" + n + " java.lang.IllegalStateException: failed");
        line(lines, time, stream, "F", "\tat io.example.Service.handle(Service.java:42)");
        line(lines, time, stream, "F", "\tat io.example.Server.run(Server.java:17)");
        line(lines, time, stream, "F", "Caused by: java.io.IOException: broken pipe");
        line(lines, time, stream, "F", "\tat io.example.Client.send(Client.java:88)");
        line(lines, time, stream, "F", "\t... 2 more");
      } else if (kind < says.stackTraceShare() + says.longLineShare()) {
        String message = message(n, stream, CRI_LINE_MAX + says.lineLength());
        int at = 0;
        while (message.length() - at > CRI_LINE_MAX) {
          line(lines, time, stream, "P", message.substring(at, at + CRI_LINE_MAX));
          at += CRI_LINE_MAX;
        }
        line(lines, time, stream, "F", message.substring(at));
      } else {
        line(lines, time, stream, "F", message(n, stream, says.lineLength()));
      }
    }

    private static String message(long n, String stream, int length) {
      StringBuilder message =
          new StringBuilder(length).append(stream.equals("stderr") ? "WARN" : "INFO");
      message.append(" seq=").append(n).append(' ');
      while (message.length() < length) {
        message.append((char) ('a' + message.length() % 26));
      }
      return message.toString();
    }

    private static void line(
        StringBuilder lines, String time, String stream, String tag, String message) {
      lines.append(time).append(' ').append(stream).append(' ').append(tag).append(' ');
      lines.append(message).append('\n');
    }

    private void flush(StringBuilder lines) {
      if (lines.isEmpty()) {
        return;
      }
      byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
      size += bytes.length;
      lines.setLength(0);
    }

    /**
     * As the kubelet does: the older rotated files gzipped, the file renamed with the time, a new
     * one opened, the oldest beyond {@code maxFiles} deleted.
     */
    private void rotate(Instant now) {
      try {
        out.close();
        Instant stamp = now;
        for (Path rotated : rotated()) {
          if (!rotated.getFileName().toString().endsWith(".gz")) {
            gzip(rotated);
          }
          // names tell the order: a second rotation within a second takes the next second
          Instant taken = stamp(rotated);
          if (!taken.isBefore(stamp)) {
            stamp = taken.plusSeconds(1);
          }
        }
        Path renamed = folder.resolve("0.log." + ROTATED.format(stamp));
        Files.move(file, renamed, StandardCopyOption.ATOMIC_MOVE);
        List<Path> kept = rotated();
        for (int i = 0; i < kept.size() - (settings.maxFiles() - 1); i++) {
          Files.deleteIfExists(kept.get(i));
        }
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = 0;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot rotate " + file, e);
      }
    }

    /** The rotated files, oldest first (their names sort by time). */
    private List<Path> rotated() throws IOException {
      try (Stream<Path> files = Files.list(folder)) {
        List<Path> rotated =
            new ArrayList<>(
                files
                    .filter(p -> p.getFileName().toString().startsWith("0.log."))
                    .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
                    .toList());
        rotated.sort(Comparator.comparing(p -> p.getFileName().toString().replace(".gz", "")));
        return rotated;
      }
    }

    private static Instant stamp(Path rotated) {
      String name = rotated.getFileName().toString().replace(".gz", "");
      return ROTATED.parse(name.substring("0.log.".length()), Instant::from);
    }

    private static void gzip(Path rotated) throws IOException {
      Path tmp = Path.of(rotated + ".tmp");
      try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(tmp))) {
        Files.copy(rotated, gz);
      }
      Files.move(tmp, Path.of(rotated + ".gz"), StandardCopyOption.ATOMIC_MOVE);
      Files.delete(rotated);
    }

    void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + file, e);
      }
    }
  }
}
