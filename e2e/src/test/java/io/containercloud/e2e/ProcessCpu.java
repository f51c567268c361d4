package io.containercloud.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time per process of this machine from {@code /proc} (Linux), named by what runs: a service's
 * jar by its module, Kafka, Elasticsearch, the test JVM, else the program. A benchmark's wall time
 * on a shared machine moves with its neighbours; the CPU each part spent moves far less, and says
 * which part to make cheaper.
 */
final class ProcessCpu {

  /**
   * USER_HZ, the unit of {@code /proc/<pid>/stat}'s times: 100 on every Linux build that matters.
   */
  private static final double TICKS_PER_SECOND = 100;

  private static final Pattern JAR = Pattern.compile("/([a-z][a-z-]*?)-\\d[^/\\x00]*\\.jar");

  private final Map<Long, Sample> start;

  private record Sample(String name, long ticks) {}

  private ProcessCpu(Map<Long, Sample> start) {
    this.start = start;
  }

  static ProcessCpu start() {
    return new ProcessCpu(sample());
  }

  /**
   * Seconds of CPU since {@link #start} per name, busiest first, as {@code name=seconds} pairs
   * (processes that started since count from zero), with the total.
   */
  String spent() {
    Map<String, Double> seconds = new HashMap<>();
    sample()
        .forEach(
            (pid, now) -> {
              Sample before = start.get(pid);
              long ticks = now.ticks() - (before == null ? 0 : before.ticks());
              seconds.merge(now.name(), ticks / TICKS_PER_SECOND, Double::sum);
            });
    double total = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    return seconds.entrySet().stream()
            .filter(e -> e.getValue() >= 0.1)
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .map(e -> String.format(Locale.ROOT, "%s=%.1f", e.getKey(), e.getValue()))
            .collect(Collectors.joining(" "))
        + String.format(Locale.ROOT, " total=%.1f", total);
  }

  private static Map<Long, Sample> sample() {
    Map<Long, Sample> samples = new TreeMap<>();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  String stat = Files.readString(p.resolve("stat"));
                  // the fields after the program's name, which is in parentheses and may hold
                  // spaces
                  String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                  long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                  String program = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                  String cmdline =
                      new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                  samples.put(
                      Long.parseLong(p.getFileName().toString()),
                      new Sample(name(program, cmdline), ticks));
                } catch (IOException | RuntimeException e) {
                  // the process ended while it was read
                }
              });
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc", e);
    }
    return samples;
  }

  private static String name(String program, String cmdline) {
    if (!program.equals("java")) {
      return program;
    }
    if (cmdline.contains("kafka.Kafka")) {
      return "kafka";
    }
    if (cmdline.contains("org.elasticsearch")) {
      return "elasticsearch";
    }
    if (cmdline.contains("surefire") || cmdline.contains("failsafe")) {
      return "bench-client";
    }
    Matcher jar = JAR.matcher(cmdline);
    return jar.find() ? jar.group(1) : "java";
  }
}
