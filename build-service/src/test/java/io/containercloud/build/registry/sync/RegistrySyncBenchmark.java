package io.containercloud.build.registry.sync;

import static org.awaitility.Awaitility.await;

import io.containercloud.build.registry.oci.OciClient;
import io.containercloud.common.security.Role;
import io.containercloud.common.testing.LocalInfra;
import io.containercloud.common.testing.ServiceContract;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.containercloud.common.testing.TestTokens;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * bench/registry-sync (not a test: run by bench/registry-sync/run.sh). Two sets of images of random
 * layers in room-1's registry, each copied into room-2 by a manual sync policy through the API and
 * into room-3 by {@code skopeo copy} (one image after the other, as a script would), into
 * repositories the destinations do not have, the second set with skopeo first; then a policy run
 * again over its unchanged set. Reports MiB/s of both over both sets, their ratio and the seconds
 * of the no-op resync.
 */
@ServiceIntegrationTest
class RegistrySyncBenchmark {

  private static final int IMAGES = Integer.getInteger("bench.images", 20);
  private static final int LAYERS = Integer.getInteger("bench.layers", 5);
  private static final int LAYER_MIB = Integer.getInteger("bench.layer-mib", 8);
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final String TENANT = "bench-" + RUN;

  @LocalServerPort int port;
  @Autowired JsonMapper json;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add(
        "spring.datasource.url",
        () -> "jdbc:mysql://127.0.0.1:13306/build_bench?createDatabaseIfNotExist=true");
    registry.add("platform.build.runner", () -> "bench-" + RUN);
  }

  @Test
  void platformBesideSkopeo() throws Exception {
    for (int room = 1; room <= 3; room++) {
      int registryPort =
          room == 1
              ? LocalInfra.REGISTRY_PORT
              : room == 2 ? LocalInfra.REGISTRY2_PORT : LocalInfra.REGISTRY3_PORT;
      check(
          send(
              "POST",
              "/registries",
              """
              {"name":"b%d-%s","room":"b%d-%s","url":"http://127.0.0.1:%d","kind":"distribution"}"""
                  .formatted(room, RUN, room, RUN, registryPort),
              "platform",
              Role.PLATFORM_ADMIN),
          "registry");
    }
    // two sets, each copied by both; the second with skopeo first, so neither always runs on a
    // registry the other has just warmed
    List<String> first = pushImages("a");
    List<String> second = pushImages("b");
    long bytes = 2L * IMAGES * LAYERS * LAYER_MIB * 1024 * 1024;
    double mib = bytes / (1024.0 * 1024.0);
    for (String set : List.of("a", "b")) {
      check(
          send(
              "POST",
              "/sync-policies",
              """
              {"name":"bench-%s","spec":{"source":"b1-%s","destinations":["b2-%s"],
               "trigger":"manual","repositories":"%s-*"}}"""
                  .formatted(set, RUN, RUN, set),
              TENANT,
              Role.DEVELOPER),
          "policy");
    }
    double platformS = runPolicy("bench-a", IMAGES);
    double skopeoS = skopeo(first);
    skopeoS += skopeo(second);
    platformS += runPolicy("bench-b", IMAGES);
    double resyncS = runPolicy("bench-a", IMAGES);

    String line =
        String.format(
            "registry-sync images=%d layers=%d layer_mib=%d platform_s=%.2f skopeo_s=%.2f",
            IMAGES, LAYERS, LAYER_MIB, platformS, skopeoS);
    String summary =
        String.format(
            "registry-sync platform_mib_s=%.1f skopeo_mib_s=%.1f ratio=%.2f resync_noop_s=%.2f",
            mib / platformS, mib / skopeoS, skopeoS / platformS, resyncS);
    System.out.println(line);
    System.out.println(summary);
    Files.writeString(Path.of("target/bench-registry-sync.txt"), line + "\n" + summary + "\n");
  }

  /** The images of set {@code set}, each of its own random layers, pushed to room-1. */
  private List<String> pushImages(String set) throws Exception {
    OciClient room1 =
        new OciClient(
            URI.create("http://127.0.0.1:" + LocalInfra.REGISTRY_PORT),
            null,
            HttpClient.newHttpClient(),
            json);
    Random random = new Random();
    List<String> repositories = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      String repository = TENANT + "/" + set + "-" + i;
      List<String> layers = new ArrayList<>();
      for (int l = 0; l < LAYERS; l++) {
        byte[] layer = new byte[LAYER_MIB * 1024 * 1024];
        random.nextBytes(layer);
        String digest = sha256(layer);
        room1.putBlob(
            repository, digest, layer.length, new ByteArrayInputStream(layer), Long.MAX_VALUE);
        layers.add(
            "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + digest
                + "\",\"size\":"
                + layer.length
                + "}");
      }
      byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + i + "}").getBytes();
      String configDigest = sha256(config);
      room1.putBlob(
          repository,
          configDigest,
          config.length,
          new ByteArrayInputStream(config),
          Long.MAX_VALUE);
      byte[] manifest =
          ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                  + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                  + "\"digest\":\""
                  + configDigest
                  + "\",\"size\":"
                  + config.length
                  + "},\"layers\":["
                  + String.join(",", layers)
                  + "]}")
              .getBytes(StandardCharsets.UTF_8);
      room1.putManifest(
          repository,
          "v1",
          new OciClient.Manifest(
              "application/vnd.oci.image.manifest.v1+json", sha256(manifest), manifest));
      repositories.add(repository);
    }
    return repositories;
  }

  /** Seconds from asking for a run of the policy to its end, every item done. */
  private double runPolicy(String policy, int expected) {
    long start = System.nanoTime();
    JsonNode accepted =
        check(
            send(
                "POST",
                "/sync-policies/" + TENANT + "/" + policy + "/executions",
                null,
                TENANT,
                Role.DEVELOPER),
            "run");
    String path =
        "/sync-policies/" + TENANT + "/" + policy + "/executions/" + accepted.path("id").asLong();
    await()
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              JsonNode execution =
                  json.readTree(send("GET", path, null, TENANT, Role.DEVELOPER).body());
              if (execution.path("status").asString().equals("failed")) {
                throw new IllegalStateException("the sync failed: " + execution);
              }
              return execution.path("status").asString().equals("done")
                  && execution.path("copied").asInt() + execution.path("skipped").asInt()
                      == expected;
            });
    return (System.nanoTime() - start) / 1e9;
  }

  /** Seconds for {@code skopeo copy} of every image into room-3, one after the other. */
  private static double skopeo(List<String> repositories) throws Exception {
    long start = System.nanoTime();
    for (String repository : repositories) {
      Process copy =
          new ProcessBuilder(
                  "skopeo",
                  "copy",
                  "--quiet",
                  "--src-tls-verify=false",
                  "--dest-tls-verify=false",
                  "docker://127.0.0.1:" + LocalInfra.REGISTRY_PORT + "/" + repository + ":v1",
                  "docker://127.0.0.1:" + LocalInfra.REGISTRY3_PORT + "/" + repository + ":v1")
              .redirectErrorStream(true)
              .start();
      String output = new String(copy.getInputStream().readAllBytes());
      if (copy.waitFor() != 0) {
        throw new IllegalStateException("skopeo copy " + repository + ": " + output);
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private JsonNode check(HttpResponse<String> response, String what) {
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          what + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return json.readTree(response.body());
  }

  private HttpResponse<String> send(
      String method, String path, String body, String tenant, Role role) {
    return ServiceContract.send(
        ServiceContract.request(
                method,
                "http://127.0.0.1:" + port + path,
                TestTokens.token("bench", tenant, role),
                body)
            .build());
  }

  private static String sha256(byte[] content) throws Exception {
    return "sha256:"
        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
