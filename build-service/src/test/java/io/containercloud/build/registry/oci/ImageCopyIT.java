package io.containercloud.build.registry.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.containercloud.common.testing.LocalInfra;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Images copied between two real distribution registries (rooms 1 and 2 of scripts/infra.sh), and
 * from a source that answers what no registry should: the copy checks what it is given, and a
 * destination never shows a tag whose content is not all there.
 */
class ImageCopyIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ExecutorService TRANSFERS = Executors.newFixedThreadPool(4);
  private static final int MIB = 1024 * 1024;

  private final OciClient room1 = client(LocalInfra.REGISTRY_PORT);
  private final OciClient room2 = client(LocalInfra.REGISTRY2_PORT);
  private final ImageCopy copy = new ImageCopy(TRANSFERS, 64L * MIB, JSON);
  private final String repository = "tenant-a/copy-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterAll
  static void stop() {
    TRANSFERS.shutdownNow();
  }

  @Test
  void anImageIsCopiedWholeAndASecondCopySkipsItInOneRequest() throws Exception {
    OciClient.Manifest image = TestImages.push(room1, repository, "v1", 3, MIB);

    ImageCopy.Result first = copy.copy(room1, repository, "v1", null, room2, repository);
    assertThat(first.outcome()).isEqualTo(ImageCopy.Outcome.COPIED);
    assertThat(first.digest()).isEqualTo(image.digest());
    assertThat(first.blobsCopied()).isEqualTo(4); // the config and three layers
    assertThat(first.bytes()).isGreaterThan(3L * MIB);
    assertThat(room2.manifestDigest(repository, "v1")).hasValue(image.digest());
    assertThat(room2.manifest(repository, "v1").orElseThrow().content()).isEqualTo(image.content());

    ImageCopy.Result again = copy.copy(room1, repository, "v1", null, room2, repository);
    assertThat(again.outcome()).isEqualTo(ImageCopy.Outcome.SKIPPED);
    assertThat(again.bytes()).isZero();

    // a new tag sharing two of its layers' blobs: only what is new travels
    OciClient.Manifest other = TestImages.push(room1, repository, "v2", 1, MIB);
    ImageCopy.Result second = copy.copy(room1, repository, "v2", null, room2, repository);
    assertThat(second.digest()).isEqualTo(other.digest());
    assertThat(second.blobsCopied()).isEqualTo(2);
  }

  @Test
  void theCopyOfAnOlderPushNeverSetsTheTagBack() throws Exception {
    OciClient.Manifest older = TestImages.push(room1, repository, "v1", 1, 0); // an empty layer
    OciClient.Manifest newer = TestImages.push(room1, repository, "v1", 1, 1024);

    ImageCopy.Result late = copy.copy(room1, repository, "v1", older.digest(), room2, repository);
    assertThat(late.outcome()).isEqualTo(ImageCopy.Outcome.SUPERSEDED);
    assertThat(room2.manifestDigest(repository, "v1")).isEmpty();

    ImageCopy.Result current =
        copy.copy(room1, repository, "v1", newer.digest(), room2, repository);
    assertThat(current.outcome()).isEqualTo(ImageCopy.Outcome.COPIED);
    assertThat(room2.manifestDigest(repository, "v1")).hasValue(newer.digest());
    // the late copy moved the older image's blobs (an empty one among them), not its manifest
    assertThat(room2.hasBlob(repository, Digests.sha256(new byte[0]))).isTrue();
    assertThat(room2.manifestDigest(repository, older.digest())).isEmpty();
    assertThat(copy.copy(room1, repository, "v1", null, room2, repository).outcome())
        .isEqualTo(ImageCopy.Outcome.SKIPPED);
  }

  @Test
  void anIndexIsCopiedWithEveryImageItNames() throws Exception {
    OciClient.Manifest amd64 = TestImages.push(room1, repository, "amd64", 2, 64 * 1024);
    OciClient.Manifest arm64 = TestImages.push(room1, repository, "arm64", 2, 64 * 1024);
    OciClient.Manifest index = TestImages.index(room1, repository, "multi", List.of(amd64, arm64));

    ImageCopy.Result result = copy.copy(room1, repository, "multi", null, room2, repository);
    assertThat(result.digest()).isEqualTo(index.digest());
    assertThat(result.blobsCopied()).isEqualTo(6);
    assertThat(room2.manifest(repository, "multi").orElseThrow().mediaType())
        .isEqualTo(TestImages.INDEX);
    assertThat(room2.manifestDigest(repository, amd64.digest())).hasValue(amd64.digest());
    assertThat(room2.manifestDigest(repository, arm64.digest())).hasValue(arm64.digest());
  }

  @Test
  void withinOneRegistryBlobsAreMountedAndLargeOnesUploadedInChunks() throws Exception {
    OciClient.Manifest image = TestImages.push(room1, repository, "v1", 2, 3 * MIB);
    String other = repository + "-mirror";
    ImageCopy.Result mounted = copy.copy(room1, repository, "v1", null, room1, other);
    assertThat(mounted.blobsMounted()).isEqualTo(3);
    assertThat(mounted.blobsCopied()).isZero();
    assertThat(room1.manifestDigest(other, "v1")).hasValue(image.digest());

    ImageCopy chunked = new ImageCopy(TRANSFERS, MIB, JSON);
    ImageCopy.Result result = chunked.copy(room1, repository, "v1", null, room2, repository);
    assertThat(result.blobsCopied()).isEqualTo(3);
    assertThat(room2.manifestDigest(repository, "v1")).hasValue(image.digest());
  }

  @Test
  void aManifestThatDoesNotMatchItsDigestIsRefused() throws Exception {
    byte[] manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
            .getBytes(StandardCharsets.UTF_8);
    HttpServer garbage =
        serve(
            "/v2/" + repository + "/manifests/v1",
            manifest,
            "sha256:" + "0".repeat(64),
            TestImages.MANIFEST);
    try {
      OciClient source = client(garbage.getAddress().getPort());
      assertThatThrownBy(() -> copy.copy(source, repository, "v1", null, room2, repository))
          .isInstanceOf(OciException.class)
          .hasMessageContaining("does not match its digest");
      assertThat(room2.manifestDigest(repository, "v1")).isEmpty();
    } finally {
      garbage.stop(0);
    }
  }

  @Test
  void aBlobCutShortFailsTheCopyAndNoTagAppears() throws Exception {
    OciClient.Manifest image = TestImages.push(room1, repository, "v1", 1, MIB);
    String layer = Manifests.blobs(JSON, image.content()).get(1).digest();
    // a source that serves the real manifest and config, but only half of the layer
    HttpServer cut =
        source(
            image,
            layer,
            (exchange, blob) -> {
              exchange.sendResponseHeaders(200, blob.length / 2);
              exchange.getResponseBody().write(Arrays.copyOf(blob, blob.length / 2));
            });
    try {
      OciClient source = client(cut.getAddress().getPort());
      assertThatThrownBy(() -> copy.copy(source, repository, "v1", null, room2, repository))
          .isInstanceOf(OciException.class)
          .hasMessageContaining(layer);
      assertThat(room2.manifestDigest(repository, "v1")).isEmpty();
      assertThat(room2.hasBlob(repository, layer)).isFalse();
    } finally {
      cut.stop(0);
    }
  }

  @Test
  void aSourceThatStallsHalfwayIsGivenUpWithNothingTagged() throws Exception {
    OciClient.Manifest image = TestImages.push(room1, repository, "v1", 1, MIB);
    String layer = Manifests.blobs(JSON, image.content()).get(1).digest();
    CountDownLatch done = new CountDownLatch(1);
    // a source that sends half of the layer and then nothing, keeping the connection open
    HttpServer stalled =
        source(
            image,
            layer,
            (exchange, blob) -> {
              exchange.sendResponseHeaders(200, blob.length);
              exchange.getResponseBody().write(blob, 0, blob.length / 2);
              exchange.getResponseBody().flush();
              done.await(60, TimeUnit.SECONDS);
            });
    try {
      // a source silent for 2 s is given up (reused connections read it in the caller's thread,
      // where no request timeout reaches)
      OciClient source =
          new OciClient(
              URI.create("http://127.0.0.1:" + stalled.getAddress().getPort()),
              null,
              HTTP,
              JSON,
              Duration.ofSeconds(2),
              10L * MIB);
      OciClient destination =
          new OciClient(
              URI.create("http://127.0.0.1:" + LocalInfra.REGISTRY2_PORT),
              null,
              HTTP,
              JSON,
              Duration.ofSeconds(2),
              10L * MIB);
      long started = System.nanoTime();
      assertThatThrownBy(() -> copy.copy(source, repository, "v1", null, destination, repository))
          .isInstanceOf(OciException.class)
          .hasMessageContaining("reading blob " + layer + " from the source")
          .hasMessageContaining("timed out");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
      assertThat(room2.manifestDigest(repository, "v1")).isEmpty();
      assertThat(room2.hasBlob(repository, layer)).isFalse();
    } finally {
      done.countDown();
      stalled.stop(0);
    }
  }

  /** How a faulty source serves the one layer it gets wrong. */
  private interface LayerWriter {
    void write(HttpExchange exchange, byte[] blob) throws IOException, InterruptedException;
  }

  /**
   * A started source that serves {@code image} as room-1 holds it, except layer {@code layer},
   * which {@code layerWriter} answers.
   */
  private HttpServer source(OciClient.Manifest image, String layer, LayerWriter layerWriter)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String digest = path.substring(path.lastIndexOf('/') + 1);
          try (var body = exchange.getResponseBody()) {
            if (path.contains("/manifests/")) {
              exchange.getResponseHeaders().add("Content-Type", image.mediaType());
              exchange.getResponseHeaders().add("Docker-Content-Digest", image.digest());
              exchange.sendResponseHeaders(200, image.content().length);
              body.write(image.content());
              return;
            }
            byte[] blob = room1.blob(repository, digest).readAllBytes();
            if (digest.equals(layer)) {
              layerWriter.write(exchange, blob);
            } else {
              exchange.sendResponseHeaders(200, blob.length);
              body.write(blob);
            }
          } catch (OciException | InterruptedException e) {
            throw new IOException(e);
          }
        });
    server.start();
    return server;
  }

  private static HttpServer serve(String path, byte[] body, String digest, String type)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        path,
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", type);
          exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
          exchange.sendResponseHeaders(200, body.length);
          try (var out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }

  private static OciClient client(int port) {
    return new OciClient(URI.create("http://127.0.0.1:" + port), null, HTTP, JSON);
  }
}
