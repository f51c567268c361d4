package io.containercloud.build.executor.kubernetes;

import io.containercloud.build.configuration.model.ConfigurationSpec;
import io.containercloud.build.configuration.model.Toolchain;
import io.containercloud.build.executor.BuildJob;
import io.containercloud.build.executor.BuildProperties;
import io.containercloud.build.executor.Toolchains;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job of one build: an init container clones the resolved commit into the workspace (an
 * emptyDir), an init container compiles in the toolchain's builder image with the tenant's cache,
 * and BuildKit rootless builds the image and pushes it with the registry Secret as its Docker
 * config, writing its metadata (the digest) as the container's termination message. Every value
 * that came from a user reaches the containers as an argv entry or a positional parameter of a
 * fixed script, never inside a shell string.
 */
final class JobTemplate {

  static final String CLONE = "clone";
  static final String COMPILE = "compile";
  static final String IMAGE = "image";
  static final String REGISTRY_SECRET = "registry-push";
  static final String CACHE_CLAIM = "dependency-cache";
  static final String MANAGED_BY = "container-cloud";
  static final long USER = 1000;

  // $1 scheme, $2 url, $3 ref, $4 commit: fetch the commit (or the ref, for servers that refuse
  // fetching by id) and check out exactly that commit
  static final String CLONE_SCRIPT =
      """
      set -eu
      git init --quiet /workspace/src
      cd /workspace/src
      git config protocol.allow never
      git config "protocol.$1.allow" always
      git config core.hooksPath /dev/null
      git fetch --quiet --depth 1 --no-tags -- "$2" "$4" 2>/dev/null \\
        || git fetch --quiet --depth 1 --no-tags -- "$2" "$3"
      git checkout --quiet --detach "$4" \\
        || { echo "$3 no longer points at $4" >&2; exit 1; }
      echo "checked out $4"
      """;

  // $1 the generated Dockerfile, then the toolchain's compile program; leaves the Dockerfile in
  // .platform, beside what the program left there (the Java jar, the Go program)
  static final String COMPILE_SCRIPT =
      """
      set -eu
      dockerfile=$1
      shift
      "$@"
      mkdir -p .platform
      printf '%s' "$dockerfile" > .platform/Dockerfile
      """;

  private final KubernetesProperties properties;
  private final String registry;
  private final boolean insecureRegistry;
  private final String apmAgent;

  JobTemplate(KubernetesProperties properties, BuildProperties build) {
    this.properties = properties;
    this.registry = build.registry();
    this.insecureRegistry = build.insecureRegistry();
    this.apmAgent = build.apmAgent();
  }

  static String name(long buildId) {
    return "build-" + buildId;
  }

  String namespace(String tenant) {
    return properties.namespacePrefix() + tenant;
  }

  Map<String, String> labels(BuildJob job) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
    labels.put("app.kubernetes.io/component", "build");
    labels.put("platform.containercloud.io/tenant", job.tenant());
    labels.put("platform.containercloud.io/build", Long.toString(job.id()));
    return labels;
  }

  Job job(BuildJob job, String commit, String image) {
    ConfigurationSpec spec = job.spec();
    Map<String, String> annotations = new LinkedHashMap<>(properties.jobAnnotations());
    annotations.put("platform.containercloud.io/configuration", job.configuration());
    annotations.put("platform.containercloud.io/number", Long.toString(job.number()));
    annotations.put("platform.containercloud.io/commit", commit);
    annotations.put("platform.containercloud.io/image", image);
    List<Container> init = new ArrayList<>();
    init.add(clone(spec, commit));
    if (spec.toolchain() != Toolchain.DOCKERFILE) {
      init.add(compile(spec));
    }
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(job.id()))
        .withNamespace(namespace(job.tenant()))
        .withLabels(labels(job))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(spec.timeoutSeconds().longValue())
        .withTtlSecondsAfterFinished((int) properties.ttlAfterFinished().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels(job))
        .withAnnotations(properties.jobAnnotations())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withFsGroup(USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withInitContainers(init)
        .withContainers(image(spec, image))
        .withVolumes(volumes())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Container clone(ConfigurationSpec spec, String commit) {
    String url = spec.repositoryUrl();
    return new ContainerBuilder()
        .withName(CLONE)
        .withImage(properties.gitImage())
        .withCommand("sh", "-c", CLONE_SCRIPT, CLONE)
        .withArgs(url.substring(0, url.indexOf(':')), url, spec.ref(), commit)
        .withEnv(new EnvVar("HOME", "/tmp", null))
        .withResources(limits("500m", "256Mi"))
        .withSecurityContext(restricted())
        .withVolumeMounts(mount("workspace", "/workspace", false), mount("tmp", "/tmp", false))
        .build();
  }

  private Container compile(ConfigurationSpec spec) {
    String builder = properties.builders().get(spec.toolchain().value());
    Toolchain toolchain = spec.toolchain();
    String base = Toolchains.runtime(toolchain, registry);
    List<String> args = new ArrayList<>();
    args.add(
        toolchain.java()
            ? Toolchains.javaDockerfile(base, spec.apm(), spec.image())
            : Toolchains.dockerfile(toolchain, base));
    args.addAll(Toolchains.compile(toolchain, spec.apm() ? apmAgent : null).orElseThrow());
    return new ContainerBuilder()
        .withName(COMPILE)
        .withImage(builder)
        .withCommand("sh", "-c", COMPILE_SCRIPT, COMPILE)
        .withArgs(args)
        .withWorkingDir(contextPath(spec))
        .withEnv(new EnvVar("HOME", "/tmp", null))
        .withResources(limits(spec.resources().cpu(), spec.resources().memory()))
        .withSecurityContext(restricted())
        .withVolumeMounts(
            mount("workspace", "/workspace", false),
            mount("cache", "/cache", false),
            mount("tmp", "/tmp", false))
        .build();
  }

  private Container image(ConfigurationSpec spec, String image) {
    String context = contextPath(spec);
    // the repository's own Dockerfile when it names one, else the toolchain's generated one
    String dockerfile = spec.dockerfile() != null ? spec.dockerfile() : ".platform/Dockerfile";
    int slash = dockerfile.lastIndexOf('/');
    String dockerfileDir = slash < 0 ? context : context + "/" + dockerfile.substring(0, slash);
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "build",
            "--frontend",
            "dockerfile.v0",
            "--local",
            "context=" + context,
            "--local",
            "dockerfile=" + dockerfileDir,
            "--opt",
            "filename=" + dockerfile.substring(slash + 1)));
    spec.buildArguments()
        .forEach((name, value) -> args.addAll(List.of("--opt", "build-arg:" + name + "=" + value)));
    args.addAll(
        List.of(
            "--output",
            "type=image,name="
                + image
                + ",push=true"
                + (insecureRegistry ? ",registry.insecure=true" : ""),
            // the digest comes back as the container's termination message
            "--metadata-file",
            "/dev/termination-log"));
    return new ContainerBuilder()
        .withName(IMAGE)
        .withImage(properties.buildkitImage())
        .withCommand("buildctl-daemonless.sh")
        .withArgs(args)
        .withEnv(
            new EnvVar("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox", null),
            new EnvVar("DOCKER_CONFIG", "/home/user/.docker", null),
            new EnvVar("XDG_RUNTIME_DIR", "/home/user/.local/tmp", null))
        .withResources(limits(spec.resources().cpu(), spec.resources().memory()))
        // BuildKit rootless: its own user namespaces need SETUID/SETGID and no seccomp or AppArmor
        // filter; the build namespace's Pod Security level must allow it (BUILDS.md)
        .withSecurityContext(
            new SecurityContextBuilder()
                .withRunAsUser(USER)
                .withRunAsGroup(USER)
                .withRunAsNonRoot(true)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .withAdd("SETUID", "SETGID")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("Unconfined")
                .endSeccompProfile()
                .withNewAppArmorProfile()
                .withType("Unconfined")
                .endAppArmorProfile()
                .build())
        .withVolumeMounts(
            mount("workspace", "/workspace", true),
            mount("buildkit", "/home/user/.local/share/buildkit", false),
            mount("runtime", "/home/user/.local/tmp", false),
            mount("tmp", "/tmp", false),
            mount("registry", "/home/user/.docker", true))
        .build();
  }

  private List<Volume> volumes() {
    return List.of(
        new VolumeBuilder().withName("workspace").withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder()
            .withName("cache")
            .withNewPersistentVolumeClaim()
            .withClaimName(CACHE_CLAIM)
            .endPersistentVolumeClaim()
            .build(),
        new VolumeBuilder().withName("buildkit").withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName("runtime").withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder()
            .withName("registry")
            .withNewSecret()
            .withSecretName(REGISTRY_SECRET)
            .addNewItem()
            .withKey(".dockerconfigjson")
            .withPath("config.json")
            .endItem()
            .endSecret()
            .build());
  }

  private static String contextPath(ConfigurationSpec spec) {
    return spec.contextDirectory().equals(".")
        ? "/workspace/src"
        : "/workspace/src/" + spec.contextDirectory();
  }

  /** Non-root, nothing to escalate to, no capabilities, a read-only root. */
  private static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withRunAsUser(USER)
        .withRunAsGroup(USER)
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }

  private static ResourceRequirements limits(String cpu, String memory) {
    Map<String, Quantity> amounts =
        Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory));
    return new ResourceRequirementsBuilder().withLimits(amounts).withRequests(amounts).build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }

  /** The image's registry, as the Docker config of the push Secret names it. */
  String registry() {
    return registry;
  }
}
