package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.OciRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The image gate end to end: a platform admin turns a tenant's gate on and a scanner attaches
 * reports in build-service; cluster-service, from build-service's events, refuses the tenant's
 * deploy of an image with a critical finding (422 naming it, its worst severity and the count) and
 * lets a clean one through. All through the gateway, as users.
 */
class ImageGateThroughTheGatewayIT {

  private static final Duration LIMIT = Duration.ofSeconds(60);

  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void theGateBlocksACriticalImageAndLetsACleanOneThrough() {
    String tenant = "gate" + platform.run;
    platform.ok("POST", "/api/admin/tenants", "{\"name\":\"" + tenant + "\"}");
    Session developer = platform.newUser("dev-" + tenant, tenant, "developer");
    platform.ok(
        "PUT", "/api/builds/image-gates/" + tenant, "{\"enabled\":true,\"blockAt\":\"High\"}");

    String repository = tenant + "/api";
    String bad = OciRegistry.push(repository, "bad", "an image with a critical finding");
    String clean = OciRegistry.push(repository, "clean", "an image with low findings only");
    platform.ok(
        "PUT",
        "/api/builds/scan-reports/" + bad,
        "{\"scanner\":\"Trivy v0.50\",\"summary\":{\"Critical\":1,\"High\":2,\"Low\":5}}");
    platform.ok(
        "PUT",
        "/api/builds/scan-reports/" + clean,
        "{\"scanner\":\"Trivy v0.50\",\"summary\":{\"Low\":1}}");

    String badImage = OciRegistry.ADDRESS + "/" + repository + "@" + bad;
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () -> {
              HttpResponse<String> refused =
                  developer.send("POST", "/api/clusters/workloads", body("api", badImage));
              assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
              assertThat(refused.body())
                  .contains(
                      "\"code\":\"image-gate-blocked\"",
                      "\"image\":\"" + badImage + "\"",
                      "\"highestSeverity\":\"Critical\"",
                      "\"count\":3");
            });
    // the tag is checked as the digest it was pushed with
    assertThat(
            developer
                .send(
                    "POST",
                    "/api/clusters/workloads",
                    body("api", OciRegistry.ADDRESS + "/" + repository + ":bad"))
                .body())
        .contains("\"highestSeverity\":\"Critical\"");

    String cleanImage = OciRegistry.ADDRESS + "/" + repository + "@" + clean;
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () -> {
              HttpResponse<String> deployed =
                  developer.send("POST", "/api/clusters/workloads", body("api", cleanImage));
              assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            });
  }

  private static String body(String name, String image) {
    return """
        {"name":"%s","image":"%s","replicas":3,
         "spec":{"application":"shop","ports":[{"name":"http","port":8080}],
                 "resources":{"requests":{"cpu":"250m","memory":"256Mi"},
                              "limits":{"cpu":"500m","memory":"512Mi"}}}}"""
        .formatted(name, image);
  }
}
