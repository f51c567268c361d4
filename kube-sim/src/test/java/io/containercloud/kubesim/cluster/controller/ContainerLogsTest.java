package io.containercloud.kubesim.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogsTest {

  private static final Pattern CRI =
      Pattern.compile("(\\S+) (stdout|stderr) ([PF]) (.*)", Pattern.DOTALL);
  private static final Pattern SEQ = Pattern.compile("seq=(\\d+)");

  @TempDir Path root;

  private final Instant start = Instant.parse("2026-12-05T10:00:00Z");

  @Test
  void aQuietContainerHasItsEmptyFileWhereTheKubeletKeepsIt() throws IOException {
    ContainerLogs logs = logs(1 << 20, 5);

    logs.write(List.of(pod("web-1", "uid-1")), start);

    Path file = root.resolve("node-1/pods/shop_web-1_uid-1/app/0.log");
    assertThat(file).exists();
    assertThat(Files.size(file)).isZero();
  }

  @Test
  void everyRecordIsWrittenOnceInCriLinesWithStackTracesAndLongLinesAsTheyComeFromARuntime()
      throws IOException {
    ContainerLogs logs = logs(1 << 30, 5);
    logs.chatter("shop", "web", new ContainerLogs.Chatter(200, 120, 0.3, 0.1, 0.05));
    Pod pod = pod("web-1", "uid-1");

    logs.write(List.of(pod), start);
    logs.write(List.of(pod), start.plusMillis(500));
    logs.write(List.of(pod), start.plusSeconds(1));

    List<String> lines = Files.readAllLines(root.resolve("node-1/pods/shop_web-1_uid-1/app/0.log"));
    List<String> records = records(lines);
    assertThat(records).hasSize(200);
    for (int i = 0; i < records.size(); i++) {
      assertThat(seq(records.get(i))).isEqualTo(i + 1);
    }
    assertThat(lines)
        .allSatisfy(
            line -> {
              Matcher cri = CRI.matcher(line);
              assertThat(cri.matches()).as(line).isTrue();
              assertThat(Instant.parse(cri.group(1))).isBetween(start, start.plusSeconds(1));
              assertThat(cri.group(4).length()).isLessThanOrEqualTo(ContainerLogs.CRI_LINE_MAX);
            });
    assertThat(lines).anyMatch(l -> l.contains(" stderr ")).anyMatch(l -> l.contains(" stdout "));
    assertThat(lines).anyMatch(l -> l.contains(" P "));
    assertThat(records)
        .anyMatch(r -> r.length() > ContainerLogs.CRI_LINE_MAX)
        .anyMatch(r -> r.contains("\n\tat io.example.Service.handle(Service.java:42)\n"));
  }

  @Test
  void aLongFileIsRotatedAsTheKubeletDoesAndTheNewestRecordsAreKept() throws IOException {
    ContainerLogs logs = logs(8 * 1024, 3);
    logs.chatter("shop", "web", new ContainerLogs.Chatter(100, 200, 0, 0, 0));
    Pod pod = pod("web-1", "uid-1");

    for (int second = 0; second <= 10; second++) {
      logs.write(List.of(pod), start.plusSeconds(second));
    }

    Path folder = root.resolve("node-1/pods/shop_web-1_uid-1/app");
    List<String> names;
    try (Stream<Path> files = Files.list(folder)) {
      names = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(names).hasSize(3).contains("0.log");
    assertThat(names).filteredOn(n -> n.matches("0\\.log\\.\\d{8}-\\d{6}\\.gz")).hasSize(1);
    assertThat(names).filteredOn(n -> n.matches("0\\.log\\.\\d{8}-\\d{6}")).hasSize(1);
    // what is kept, oldest file first, is an unbroken run of records ending with the last
    List<Long> kept = new ArrayList<>();
    for (String name : names.stream().filter(n -> !n.equals("0.log")).toList()) {
      kept.addAll(
          records(read(folder.resolve(name))).stream().map(ContainerLogsTest::seq).toList());
    }
    kept.addAll(
        records(read(folder.resolve("0.log"))).stream().map(ContainerLogsTest::seq).toList());
    assertThat(kept.get(kept.size() - 1)).isEqualTo(1000);
    for (int i = 1; i < kept.size(); i++) {
      assertThat(kept.get(i)).isEqualTo(kept.get(i - 1) + 1);
    }
  }

  @Test
  void aDeletedPodsFolderGoesOnlyAfterTheKeepTimeAndAnEndedPodsStaysWhileItExists() {
    ContainerLogs logs = logs(1 << 20, 5);
    logs.write(List.of(pod("web-1", "uid-1"), pod("web-2", "uid-2")), start);
    Pod ended = pod("web-2", "uid-2");
    ended.getStatus().setPhase("Succeeded");

    logs.write(List.of(ended), start.plusSeconds(1));
    assertThat(root.resolve("node-1/pods/shop_web-1_uid-1")).exists();
    logs.write(List.of(ended), start.plusSeconds(11));

    assertThat(root.resolve("node-1/pods/shop_web-1_uid-1")).doesNotExist();
    assertThat(root.resolve("node-1/pods/shop_web-2_uid-2/app/0.log")).exists();
  }

  @Test
  void foldersAnEarlierRunLeftGoAfterTheKeepTime() throws IOException {
    Path left = Files.createDirectories(root.resolve("node-1/pods/shop_old-1_uid-0/app"));
    Files.writeString(left.resolve("0.log"), "2026-12-05T09:00:00Z stdout F INFO seq=1 x\n");
    ContainerLogs logs = logs(1 << 20, 5);

    logs.write(List.of(pod("web-1", "uid-1")), start);
    assertThat(left).exists();
    logs.write(List.of(pod("web-1", "uid-1")), start.plusSeconds(10));

    assertThat(root.resolve("node-1/pods/shop_old-1_uid-0")).doesNotExist();
    assertThat(root.resolve("node-1/pods/shop_web-1_uid-1/app/0.log")).exists();
  }

  private ContainerLogs logs(long maxSize, int maxFiles) {
    return new ContainerLogs(
        new ContainerLogs.Settings(root, maxSize, maxFiles, Duration.ofSeconds(10)));
  }

  private static Pod pod(String name, String uid) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName(name)
        .withUid(uid)
        .addToLabels(DeploymentController.OWNER, "web")
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .addNewContainer()
        .withName("app")
        .withImage("app:1")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  /** The records the lines hold: partial lines joined, a stack trace's lines joined. */
  private static List<String> records(List<String> lines) {
    List<String> records = new ArrayList<>();
    StringBuilder partial = new StringBuilder();
    for (String line : lines) {
      Matcher cri = CRI.matcher(line);
      assertThat(cri.matches()).as(line).isTrue();
      partial.append(cri.group(4));
      if (cri.group(3).equals("P")) {
        continue;
      }
      String message = partial.toString();
      partial.setLength(0);
      if (SEQ.matcher(message).find() || records.isEmpty()) {
        records.add(message);
      } else {
        records.set(records.size() - 1, records.get(records.size() - 1) + "\n" + message);
      }
    }
    return records;
  }

  private static long seq(String record) {
    Matcher seq = SEQ.matcher(record);
    assertThat(seq.find()).as(record).isTrue();
    return Long.parseLong(seq.group(1));
  }

  private static List<String> read(Path file) throws IOException {
    if (!file.getFileName().toString().endsWith(".gz")) {
      return Files.readAllLines(file);
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
