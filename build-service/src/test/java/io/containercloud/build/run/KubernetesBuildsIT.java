package io.containercloud.build.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.KubeSimProcess;
import io.containercloud.common.testing.ServiceIntegrationTest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds through the API with the kubernetes executor on a kube-sim cluster: the Job it makes,
 * asserted field by field, and its end as kube-sim plays it out (the test annotates each Job with
 * the outcome and the termination message BuildKit would write): success with the digest, a failed
 * image step, a cancel that deletes the Job, and a cluster that does not answer for a while.
 */
@ServiceIntegrationTest
class KubernetesBuildsIT {

  private static final String NAMESPACE = "build-tenant-a";
  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
  private static final Duration BUILD = Duration.ofSeconds(60);

  private static KubeSimProcess sim;
  private static KubernetesClient cluster;
  private static GitServer git;
  private static String repository;
  private static String mainCommit;

  @LocalServerPort int port;
  @Autowired JsonMapper json;

  private BuildApi api;

  @DynamicPropertySource
  static void executor(DynamicPropertyRegistry registry) throws Exception {
    sim = new KubeSimProcess(1, 2, "8", "32Gi", "200ms", "kube-sim.job-duration=3s");
    cluster =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(sim.kubeconfig("room-1"))))
            .build();
    registry.add("platform.build.executor", () -> "kubernetes");
    registry.add("platform.build.runner", () -> "kubernetes-it");
    registry.add("platform.build.max-parallel", () -> "8");
    registry.add("platform.build.kubernetes.kubeconfig", () -> sim.kubeconfig("room-1"));
    registry.add(
        "platform.build.kubernetes.builders.java-maven", () -> "registry.test/builder-java:1");
    registry.add("platform.build.kubernetes.builders.go", () -> "registry.test/builder-go:1");
    registry.add(
        "platform.build.kubernetes.builders.java-gradle", () -> "registry.test/builder-gradle:1");
    registry.add("platform.build.kubernetes.registry-username", () -> "robot$tenant-a+builds");
    registry.add("platform.build.kubernetes.registry-password", () -> "s3cret");
    registry.add(
        "platform.build.kubernetes.job-annotations[sidecar.istio.io/inject]", () -> "false");
    registry.add("platform.build.kubernetes.resync", () -> "1s");
    registry.add("platform.build.kubernetes.retry", () -> "500ms");
  }

  @BeforeAll
  static void repository() throws Exception {
    git = new GitServer();
    repository = "hello-" + UUID.randomUUID().toString().substring(0, 8);
    mainCommit = git.sample(repository);
  }

  @AfterAll
  static void stop() {
    git.close();
    cluster.close();
    sim.close();
  }

  @BeforeEach
  void api() {
    api = new BuildApi(port, json);
  }

  @Test
  void aBuildIsAJobThatClonesCompilesAndBuildsWithBuildKitUnderTheBuildsLimits() {
    String name = api.configure("job", git.url(repository), "main");
    long number = api.trigger(name).path("number").asLong();
    Job job = awaitJob(name, number);

    String image = "127.0.0.1:15000/tenant-a/" + name + ":main-" + mainCommit.substring(0, 7);
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "container-cloud")
        .containsEntry("platform.containercloud.io/tenant", "tenant-a");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("platform.containercloud.io/commit", mainCommit)
        .containsEntry("platform.containercloud.io/image", image)
        .containsEntry("sidecar.istio.io/inject", "false");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1200L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getEnableServiceLinks()).isFalse();
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("clone", "compile");
    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("image");

    Container clone = pod.getInitContainers().get(0);
    assertThat(clone.getImage()).isEqualTo("alpine/git:v2.47.2");
    assertThat(clone.getCommand()).hasSize(4).startsWith("sh", "-c");
    // the user's values are positional parameters of a fixed script, never part of it
    assertThat(clone.getCommand().get(2)).doesNotContain(git.url(repository), mainCommit);
    assertThat(clone.getArgs()).containsExactly("git", git.url(repository), "main", mainCommit);
    assertRestricted(clone);

    Container compile = pod.getInitContainers().get(1);
    assertThat(compile.getImage()).isEqualTo("registry.test/builder-java:1");
    assertThat(compile.getWorkingDir()).isEqualTo("/workspace/src");
    assertThat(compile.getArgs().get(0))
        .startsWith("FROM 127.0.0.1:15000/platform/java-runtime:17\nCOPY .platform/app.jar ")
        .contains("-XX:MaxRAMPercentage=75");
    assertThat(compile.getArgs().subList(1, 3)).containsExactly("sh", "-c");
    assertThat(compile.getArgs().get(3))
        .contains(
            "mvn -B -ntp -Dmaven.repo.local=/cache/maven -DskipTests package \"$@\"",
            "application_jar target");
    assertThat(compile.getArgs().subList(4, compile.getArgs().size())).containsExactly("maven");
    assertThat(compile.getResources().getLimits())
        .isEqualTo(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")));
    assertThat(compile.getVolumeMounts())
        .extracting(m -> m.getName() + ":" + m.getMountPath())
        .containsExactly("workspace:/workspace", "cache:/cache", "tmp:/tmp");
    assertRestricted(compile);

    Container buildkit = pod.getContainers().get(0);
    assertThat(buildkit.getImage()).isEqualTo("moby/buildkit:v0.26.2-rootless");
    assertThat(buildkit.getCommand()).containsExactly("buildctl-daemonless.sh");
    assertThat(buildkit.getArgs())
        .containsExactly(
            "build",
            "--frontend",
            "dockerfile.v0",
            "--local",
            "context=/workspace/src",
            "--local",
            "dockerfile=/workspace/src/.platform",
            "--opt",
            "filename=Dockerfile",
            "--output",
            "type=image,name=" + image + ",push=true,registry.insecure=true",
            "--metadata-file",
            "/dev/termination-log");
    assertThat(buildkit.getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains(
            "BUILDKITD_FLAGS=--oci-worker-no-process-sandbox", "DOCKER_CONFIG=/home/user/.docker");
    var security = buildkit.getSecurityContext();
    assertThat(security.getRunAsUser()).isEqualTo(1000L);
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).containsExactly("SETUID", "SETGID");
    assertThat(security.getSeccompProfile().getType()).isEqualTo("Unconfined");
    assertThat(buildkit.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("workspace"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("registry"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("registry-push");
              assertThat(v.getSecret().getItems().get(0).getPath()).isEqualTo("config.json");
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("cache"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getPersistentVolumeClaim().getClaimName())
                    .isEqualTo("dependency-cache"));

    // the tenant's namespace, the push credential as a Docker config, the cache claim
    assertThat(cluster.namespaces().withName(NAMESPACE).get().getMetadata().getLabels())
        .containsEntry("platform.containercloud.io/tenant", "tenant-a")
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
    var secret = cluster.secrets().inNamespace(NAMESPACE).withName("registry-push").get();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    String auth =
        Base64.getEncoder()
            .encodeToString("robot$tenant-a+builds:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(decode(secret.getData().get(".dockerconfigjson")))
        .isEqualTo("{\"auths\":{\"127.0.0.1:15000\":{\"auth\":\"" + auth + "\"}}}");
    var claim =
        cluster.persistentVolumeClaims().inNamespace(NAMESPACE).withName("dependency-cache").get();
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");

    play(name, number, "Succeeded");
    JsonNode done = api.awaitEnd(name, number, BUILD);
    String log = api.log(name, number);
    assertThat(done.path("status").asString()).as(log).isEqualTo("SUCCEEDED");
    assertThat(done.path("executor").asString()).isEqualTo("kubernetes");
    assertThat(done.path("commit").asString()).isEqualTo(mainCommit);
    assertThat(done.path("image").asString()).isEqualTo(image);
    assertThat(done.path("digest").asString()).isEqualTo(DIGEST);
    assertThat(done.path("steps").findValuesAsString("name"))
        .containsExactly("clone", "compile", "image", "push");
    assertThat(done.path("steps").findValuesAsString("status")).containsOnly("SUCCEEDED");
    // each container's log, streamed from the pod through the API, in step order
    assertThat(log)
        .containsSubsequence(
            "clone: started alpine/git:v2.47.2",
            "compile: started registry.test/builder-java:1",
            "image: started moby/buildkit:v0.26.2-rootless",
            "image: exited 0",
            "[platform] pushed " + DIGEST);
  }

  @Test
  void aRepositoryWithItsOwnDockerfileBuildsWithoutACompileStep() {
    String name = "b-docker-" + UUID.randomUUID().toString().substring(0, 6);
    api.create(
        name,
        """
        {"repositoryUrl":"%s","ref":"%s","toolchain":"dockerfile",
             "dockerfile":"docker/app.Dockerfile","image":"%s",
             "buildArguments":{"GREETING":"hello; $(id) `id`"}}"""
            .formatted(git.url(repository), mainCommit, name));
    long number = api.trigger(name).path("number").asLong();
    PodSpec pod = awaitJob(name, number).getSpec().getTemplate().getSpec();

    assertThat(pod.getInitContainers()).extracting(Container::getName).containsExactly("clone");
    assertThat(pod.getContainers().get(0).getArgs())
        .containsSubsequence(
            "--local",
            "dockerfile=/workspace/src/docker",
            "--opt",
            "filename=app.Dockerfile",
            "--opt",
            "build-arg:GREETING=hello; $(id) `id`",
            "--output",
            "type=image,name=127.0.0.1:15000/tenant-a/"
                + name
                + ":commit-"
                + mainCommit.substring(0, 7)
                + ",push=true,registry.insecure=true");

    play(name, number, "Succeeded");
    assertThat(api.awaitEnd(name, number, BUILD).path("steps").findValuesAsString("name"))
        .containsExactly("clone", "image", "push");
  }

  @Test
  void anApmBuildFetchesTheAgentWithItsCompileAndLoadsItThroughTheJvmOptions() {
    String name = api.configure("apm", git.url(repository), "main", "\"apm\":true,");
    long number = api.trigger(name).path("number").asLong();
    Container compile =
        awaitJob(name, number).getSpec().getTemplate().getSpec().getInitContainers().get(1);

    assertThat(compile.getArgs().get(0))
        .contains(
            "COPY .platform/opentelemetry-javaagent.jar /app/opentelemetry-javaagent.jar",
            "ENV OTEL_SERVICE_NAME=\"" + name + "\"",
            "-XX:MaxRAMPercentage=75 -javaagent:/app/opentelemetry-javaagent.jar");
    // the agent's coordinates are a parameter of the fixed script, which fetches it with Maven
    assertThat(compile.getArgs().get(3))
        .contains("maven-dependency-plugin:3.8.1:copy \"-Dartifact=$1\"");
    assertThat(compile.getArgs().subList(4, compile.getArgs().size()))
        .containsExactly("maven", "io.opentelemetry.javaagent:opentelemetry-javaagent:2.33.1");
    play(name, number, "Succeeded");
    assertThat(api.awaitEnd(name, number, BUILD).path("status").asString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aGradleBuildRunsTheProjectsWrapperOrTheBuildersGradleAndFetchesTheAgentWithIt() {
    String name = "b-gradle-" + UUID.randomUUID().toString().substring(0, 6);
    api.create(
        name,
        """
        {"repositoryUrl":"%s","ref":"main","toolchain":"java-gradle","apm":true,
             "image":"%s"}"""
            .formatted(git.url(repository), name));
    long number = api.trigger(name).path("number").asLong();
    Container compile =
        awaitJob(name, number).getSpec().getTemplate().getSpec().getInitContainers().get(1);

    assertThat(compile.getImage()).isEqualTo("registry.test/builder-gradle:1");
    assertThat(compile.getArgs().get(0))
        .startsWith("FROM 127.0.0.1:15000/platform/java-runtime:17\nCOPY .platform/app.jar ")
        .contains("-javaagent:/app/opentelemetry-javaagent.jar");
    assertThat(compile.getArgs().get(3))
        .contains(
            "sh ./gradlew --no-daemon --console=plain assemble \"$@\"",
            "gradle --no-daemon --console=plain assemble \"$@\"",
            "\"-PplatformApmAgent=$1\" platformApm",
            "application_jar build/libs");
    assertThat(compile.getArgs().subList(4, compile.getArgs().size()))
        .containsExactly("gradle", "io.opentelemetry.javaagent:opentelemetry-javaagent:2.33.1");
    assertThat(compile.getEnv()).extracting(EnvVar::getName).containsExactly("HOME");
    play(name, number, "Succeeded");
    assertThat(api.awaitEnd(name, number, BUILD).path("status").asString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aGoBuildCompilesInItsBuilderToAProgramOnTheBareBaseImage() {
    String name = "b-go-" + UUID.randomUUID().toString().substring(0, 6);
    api.create(
        name,
        """
        {"repositoryUrl":"%s","ref":"main","toolchain":"go",
             "image":"%s"}"""
            .formatted(git.url(repository), name));
    long number = api.trigger(name).path("number").asLong();
    Container compile =
        awaitJob(name, number).getSpec().getTemplate().getSpec().getInitContainers().get(1);

    assertThat(compile.getImage()).isEqualTo("registry.test/builder-go:1");
    assertThat(compile.getArgs().get(0))
        .isEqualTo(
            "FROM 127.0.0.1:15000/platform/base:bookworm\nCOPY .platform/app /app/app\n"
                + "USER 1000:1000\nENTRYPOINT [\"/app/app\"]\n");
    assertThat(compile.getArgs().subList(1, 3)).containsExactly("sh", "-c");
    assertThat(compile.getArgs().get(3)).contains("go build -trimpath -o .platform/app .");
    // a toolchain without a builder image here is refused before anything is queued
    String node = "b-node-" + UUID.randomUUID().toString().substring(0, 6);
    api.send(
        "POST",
        "/configurations",
        """
        {"name":"%s","spec":{"repositoryUrl":"%s","ref":"main","toolchain":"node","image":"%s"}}"""
            .formatted(node, git.url(repository), node));
    HttpResponse<String> refused =
        api.send("POST", "/configurations/tenant-a/" + node + "/builds", null);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("toolchain-not-supported", "spec.toolchain");
    play(name, number, "Succeeded");
    assertThat(api.awaitEnd(name, number, BUILD).path("status").asString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aFailedImageStepFailsTheBuildAtThatStep() {
    String name = api.configure("fail", git.url(repository), "main");
    long number = api.trigger(name).path("number").asLong();
    awaitJob(name, number);
    play(name, number, "Failed");

    JsonNode done = api.awaitEnd(name, number, BUILD);
    assertThat(done.path("status").asString()).isEqualTo("FAILED");
    assertThat(done.path("error").asString()).startsWith("image failed (exit 1");
    assertThat(done.path("steps").findValuesAsString("status"))
        .containsExactly("SUCCEEDED", "SUCCEEDED", "FAILED");
    assertThat(api.log(name, number)).contains("image: exited 1");
  }

  @Test
  void aConfigurationRunsOneBuildAtATimeAndQueuesTheNext() {
    String name = api.configure("queue", git.url(repository), "main");
    long first = api.trigger(name).path("number").asLong();
    long second = api.trigger(name).path("number").asLong();
    awaitJob(name, first);

    assertThat(api.build(name, second).path("status").asString()).isEqualTo("QUEUED");
    assertThat(api.send("GET", "/builds?tenant=tenant-a&configuration=" + name, null).body())
        .contains("\"status\":\"QUEUED\"", "\"status\":\"RUNNING\"");
    play(name, first, "Succeeded");
    awaitJob(name, second);
    assertThat(api.build(name, first).path("status").asString()).isEqualTo("SUCCEEDED");
    play(name, second, "Succeeded");
    assertThat(api.awaitEnd(name, second, BUILD).path("status").asString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aRefTheRepositoryDoesNotHaveFailsTheBuildBeforeAnyJob() {
    String name = api.configure("noref", git.url(repository), "no-such-branch");
    long number = api.trigger(name).path("number").asLong();
    JsonNode done = api.awaitEnd(name, number, BUILD);

    assertThat(done.path("status").asString()).isEqualTo("FAILED");
    assertThat(done.path("error").asString())
        .isEqualTo("the repository has no branch or tag no-such-branch");
    assertThat(cluster.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems())
        .noneMatch(
            j ->
                name.equals(
                    j.getMetadata()
                        .getAnnotations()
                        .get("platform.containercloud.io/configuration")));
  }

  @Test
  void aCancelledBuildDeletesItsJob() {
    String name = api.configure("cancel", git.url(repository), "main");
    long number = api.trigger(name).path("number").asLong();
    Job job = awaitJob(name, number);
    annotate(job, Map.of("kube-sim/duration", "1h"));
    await().atMost(BUILD).until(() -> api.log(name, number).contains("image: started"));

    HttpResponse<String> cancel =
        api.send("POST", "/builds/tenant-a/" + name + "/" + number + "/cancel", null);
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
    JsonNode done = api.awaitEnd(name, number, BUILD);
    assertThat(done.path("status").asString()).isEqualTo("CANCELLED");
    assertThat(done.path("steps").findValuesAsString("status"))
        .containsExactly("SUCCEEDED", "SUCCEEDED", "CANCELLED");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cluster
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NAMESPACE)
                        .withName(job.getMetadata().getName())
                        .get()
                    == null);
  }

  @Test
  void aBuildWaitsForAClusterThatDoesNotAnswerAndGoesOnWhenItDoes() throws Exception {
    String name = api.configure("outage", git.url(repository), "main");
    sim.fail("room-1");
    long number;
    try {
      number = api.trigger(name).path("number").asLong();
      await()
          .atMost(BUILD)
          .until(() -> api.log(name, number).contains("the build cluster does not answer"));
      assertThat(api.build(name, number).path("status").asString()).isEqualTo("RUNNING");
    } finally {
      sim.heal("room-1");
    }
    awaitJob(name, number);
    play(name, number, "Succeeded");
    assertThat(api.awaitEnd(name, number, BUILD).path("status").asString()).isEqualTo("SUCCEEDED");
  }

  private Job awaitJob(String configuration, long number) {
    return await()
        .atMost(BUILD)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                cluster.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().stream()
                    .filter(
                        j ->
                            configuration.equals(
                                    j.getMetadata()
                                        .getAnnotations()
                                        .get("platform.containercloud.io/configuration"))
                                && Long.toString(number)
                                    .equals(
                                        j.getMetadata()
                                            .getAnnotations()
                                            .get("platform.containercloud.io/number")))
                    .findFirst()
                    .orElse(null),
            java.util.Objects::nonNull);
  }

  /** How kube-sim ends the Job's pod: the outcome, and BuildKit's metadata as its message. */
  private void play(String configuration, long number, String outcome) {
    annotate(
        awaitJob(configuration, number),
        Map.of(
            "kube-sim/outcome",
            outcome,
            "kube-sim/termination-message.image",
            "{\"containerimage.digest\":\"" + DIGEST + "\",\"image.name\":\"x\"}"));
  }

  /** A merge patch: no resource version, so kube-sim's status writes do not conflict with it. */
  private static void annotate(Job job, Map<String, String> annotations) {
    cluster
        .batch()
        .v1()
        .jobs()
        .inNamespace(NAMESPACE)
        .withName(job.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(Map.of("metadata", Map.of("annotations", annotations))));
  }

  private static void assertRestricted(Container container) {
    var security = container.getSecurityContext();
    assertThat(security.getRunAsUser()).isEqualTo(1000L);
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
