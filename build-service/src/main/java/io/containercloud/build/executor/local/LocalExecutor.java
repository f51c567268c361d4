package io.containercloud.build.executor.local;

import io.containercloud.build.configuration.model.ConfigurationSpec;
import io.containercloud.build.configuration.model.TagTemplate;
import io.containercloud.build.configuration.model.Toolchain;
import io.containercloud.build.executor.BuildContext;
import io.containercloud.build.executor.BuildExecutor;
import io.containercloud.build.executor.BuildFailure;
import io.containercloud.build.executor.BuildJob;
import io.containercloud.build.executor.BuildProperties;
import io.containercloud.build.executor.ProjectCredentials;
import io.containercloud.build.executor.Toolchains;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Builds on this host, every step in a container and never as a process of the platform: the clone
 * and the compile run in the toolchain's builder image under podman (as an unprivileged user, no
 * capabilities, a read-only root, only the build's workspace and the tenant's dependency cache
 * mounted, CPU, memory and process limits), the image is built by buildah with OCI isolation (the
 * Dockerfile's RUN steps run in containers too) and pushed to the registry. Only the clone reaches
 * the host's network (git fetches from loopback hosts); the compile has a network of its own, in
 * which the platform's loopback servers do not exist. The workspace is removed afterwards.
 */
@Component
@ConditionalOnProperty(
    name = "platform.build.executor",
    havingValue = "local",
    matchIfMissing = true)
class LocalExecutor implements BuildExecutor {

  private static final Logger log = LoggerFactory.getLogger(LocalExecutor.class);

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  private final BuildProperties build;
  private final LocalProperties local;
  private final BuilderImages images;

  private final ProjectCredentials projects;

  LocalExecutor(
      BuildProperties build,
      LocalProperties local,
      BuilderImages images,
      ProjectCredentials projects) {
    this.build = build;
    this.local = local;
    this.images = images;
    this.projects = projects;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public boolean supports(Toolchain toolchain) {
    return Toolchains.known(toolchain) && BuilderImages.supports(toolchain);
  }

  @Override
  public String run(BuildJob job, BuildContext context) throws BuildFailure, InterruptedException {
    ConfigurationSpec spec = job.spec();
    Instant deadline = Instant.now().plusSeconds(spec.timeoutSeconds());
    Path workspace = build.workspaces().resolve(Long.toString(job.id()));
    try {
      Path source = prepare(workspace);
      // the tenant's own account: its project only, whatever a step of the build tries
      RegistryLogin login =
          RegistryLogin.write(workspace, build.registry(), projects.forTenant(job.tenant()));
      String builder = images.builder(spec.toolchain(), context, deadline);

      context.stepStarted("clone");
      String commit = clone(job, builder, workspace, context, deadline);
      String branch = spec.ref().matches("[0-9a-f]{40}") ? "commit" : spec.ref();
      String image =
          job.repository()
              + ":"
              + TagTemplate.render(spec.tagTemplate(), branch, commit, job.number());
      context.resolved(commit, image);
      context.stepFinished("clone", true);

      Path contextDir = source.resolve(spec.contextDirectory()).normalize();
      if (!contextDir.startsWith(source) || !Files.isDirectory(contextDir)) {
        throw new BuildFailure(
            "the context directory " + spec.contextDirectory() + " is not there");
      }
      String dockerfile;
      if (spec.toolchain() == Toolchain.DOCKERFILE) {
        dockerfile = spec.dockerfile();
      } else {
        context.stepStarted("compile");
        compile(job, builder, workspace, context, deadline);
        context.stepFinished("compile", true);
        dockerfile =
            spec.dockerfile() != null
                ? spec.dockerfile()
                : generateDockerfile(job, contextDir, context, deadline);
      }

      context.stepStarted("image");
      buildImage(job, contextDir, dockerfile, image, login, context, deadline);
      context.stepFinished("image", true);

      context.stepStarted("push");
      String digest = push(image, workspace, login, context, deadline);
      context.stepFinished("push", true);
      forget(image);
      return digest;
    } finally {
      BuilderImages.delete(workspace);
    }
  }

  @Override
  public void discard(long id, String tenant) {
    // a killed service leaves its step's container running: it goes first, then the workspace
    try {
      new Command(
              List.of(
                  "podman",
                  "--runtime",
                  local.runtime(),
                  "rm",
                  "--force",
                  "--ignore",
                  "--time",
                  "0",
                  container(id, "clone"),
                  container(id, "compile")))
          .quiet()
          .run("removing the containers of build " + id, NOBODY, Instant.now().plusSeconds(60));
    } catch (BuildFailure | InterruptedException e) {
      log.warn("could not remove the containers of interrupted build {}: {}", id, e.getMessage());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      BuilderImages.delete(build.workspaces().resolve(Long.toString(id)));
    } catch (UncheckedIOException e) {
      log.warn("could not remove the workspace of interrupted build {}: {}", id, e.getMessage());
    }
  }

  private static String container(long id, String step) {
    return "cc-build-" + id + "-" + step;
  }

  // the pushed image leaves the host's storage; the base it was built on stays, for the next build
  private void forget(String image) throws InterruptedException {
    try {
      new Command(List.of("buildah", "rmi", image))
          .quiet()
          .run("removing " + image, NOBODY, Instant.now().plusSeconds(60));
    } catch (BuildFailure ignored) {
      // already gone: nothing to free
    }
  }

  private Path prepare(Path workspace) throws BuildFailure {
    try {
      BuilderImages.delete(workspace);
      Files.createDirectories(workspace);
      Path source = workspace.resolve("src");
      Files.createDirectories(source);
      Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwx------"));
      chown(source);
      return source;
    } catch (IOException e) {
      throw new BuildFailure("the workspace could not be made: " + e.getMessage());
    }
  }

  private void chown(Path path) throws IOException {
    Files.setAttribute(path, "unix:uid", local.uid());
    Files.setAttribute(path, "unix:gid", local.uid());
  }

  // git in the builder image, on the host's network: it fetches, it runs no code of the repository
  private String clone(
      BuildJob job, String builder, Path workspace, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    ConfigurationSpec spec = job.spec();
    String url = spec.repositoryUrl();
    String scheme = url.substring(0, url.indexOf(':'));
    List<String> git =
        List.of(
            "git",
            "-c",
            "protocol.allow=never",
            "-c",
            "protocol." + scheme + ".allow=always",
            "-c",
            "core.hooksPath=/dev/null");
    List<List<String>> commands =
        List.of(
            cmd(git, "init", "--quiet", "."),
            cmd(git, "fetch", "--quiet", "--depth", "1", "--no-tags", "--", url, spec.ref()),
            cmd(git, "checkout", "--quiet", "--detach", "FETCH_HEAD"),
            cmd(git, "rev-parse", "HEAD"));
    List<String> head = List.of();
    for (List<String> command : commands) {
      head = container(job, "clone", builder, workspace, true, command, context, deadline);
    }
    String commit = head.isEmpty() ? "" : head.get(head.size() - 1).trim();
    if (!COMMIT.matcher(commit).matches()) {
      throw new BuildFailure("the clone gave no commit id");
    }
    return commit;
  }

  private void compile(
      BuildJob job, String builder, Path workspace, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    Path cache = local.caches().resolve(job.tenant());
    try {
      Files.createDirectories(cache);
      chown(cache);
    } catch (IOException e) {
      throw new BuildFailure("the dependency cache could not be made: " + e.getMessage());
    }
    List<String> program =
        Toolchains.compile(job.spec().toolchain(), job.spec().apm() ? build.apmAgent() : null)
            .orElseThrow();
    container(job, "compile", builder, workspace, false, program, context, deadline);
  }

  /** One program in the builder image, as the build's user, with the build's limits. */
  private List<String> container(
      BuildJob job,
      String step,
      String builder,
      Path workspace,
      boolean hostNetwork,
      List<String> program,
      BuildContext context,
      Instant deadline)
      throws BuildFailure, InterruptedException {
    ConfigurationSpec spec = job.spec();
    String name = container(job.id(), step);
    List<String> argv =
        new ArrayList<>(
            List.of(
                "podman",
                "--runtime",
                local.runtime(),
                "run",
                "--rm",
                "--name",
                name,
                "--user",
                local.uid() + ":" + local.uid(),
                "--cap-drop=ALL",
                "--security-opt",
                "no-new-privileges",
                "--read-only",
                "--tmpfs",
                "/tmp:rw,size=1g",
                "--pids-limit",
                Integer.toString(local.pids()),
                "--memory",
                memory(spec.resources().memory()),
                "--cpus",
                cpus(spec.resources().cpu()),
                "--ulimit",
                "nofile=" + local.nofile() + ":" + local.nofile(),
                "--ulimit",
                "nproc=" + local.nproc() + ":" + local.nproc(),
                "--env",
                "HOME=/tmp",
                "--volume",
                workspace.resolve("src") + ":/workspace",
                "--workdir",
                "/workspace/" + (step.equals("compile") ? spec.contextDirectory() : "")));
    if (hostNetwork) {
      argv.add("--network=host");
    } else {
      argv.add("--volume");
      argv.add(local.caches().resolve(job.tenant()) + ":/cache");
    }
    argv.add(builder);
    argv.addAll(program);
    return new Command(argv)
        .stoppedBy(List.of("podman", "--runtime", local.runtime(), "rm", "--force", name))
        .run(step, context, deadline);
  }

  private String generateDockerfile(
      BuildJob job, Path contextDir, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    ConfigurationSpec spec = job.spec();
    String left =
        spec.toolchain().java()
            ? Toolchains.JAVA_JAR
            : spec.toolchain() == Toolchain.GO ? Toolchains.GO_PROGRAM : null;
    if (left != null && !Files.isRegularFile(contextDir.resolve(left), LinkOption.NOFOLLOW_LINKS)) {
      throw new BuildFailure("the compile left nothing at " + left);
    }
    String base = images.runtime(spec.toolchain(), context, deadline);
    String dockerfile =
        spec.toolchain().java()
            ? Toolchains.javaDockerfile(base, spec.apm(), spec.image())
            : Toolchains.dockerfile(spec.toolchain(), base);
    Path file = contextDir.resolve(".platform.Dockerfile");
    try {
      Files.writeString(file, dockerfile);
    } catch (IOException e) {
      throw new BuildFailure("the Dockerfile could not be written: " + e.getMessage());
    }
    context.log("[platform] generated Dockerfile:");
    dockerfile.lines().forEach(line -> context.log("  " + line));
    return ".platform.Dockerfile";
  }

  private void buildImage(
      BuildJob job,
      Path contextDir,
      String dockerfile,
      String image,
      RegistryLogin login,
      BuildContext context,
      Instant deadline)
      throws BuildFailure, InterruptedException {
    Path file = contextDir.resolve(dockerfile).normalize();
    if (!file.startsWith(contextDir) || !Files.isRegularFile(file)) {
      throw new BuildFailure("the Dockerfile " + dockerfile + " is not in the context");
    }
    List<String> argv =
        new ArrayList<>(
            List.of(
                "buildah",
                "bud",
                "--isolation",
                "oci",
                "--runtime",
                local.runtime(),
                "--ulimit",
                "nofile=" + local.nofile() + ":" + local.nofile(),
                "--ulimit",
                "nproc=" + local.nproc() + ":" + local.nproc(),
                "--memory",
                memory(job.spec().resources().memory()),
                "--cap-drop=ALL",
                "--layers=false",
                "--format",
                "oci",
                "--file",
                file.toString(),
                "--tag",
                image));
    if (build.insecureRegistry()) {
      argv.add("--tls-verify=false");
    }
    job.spec().buildArguments().forEach((k, v) -> argv.addAll(List.of("--build-arg", k + "=" + v)));
    argv.add(contextDir.toString());
    new Command(login.into(argv, 2)).run("image", context, deadline);
  }

  private String push(
      String image, Path workspace, RegistryLogin login, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    Path digestFile = workspace.resolve("digest");
    List<String> argv =
        new ArrayList<>(
            List.of("buildah", "push", "--quiet", "--digestfile", digestFile.toString()));
    if (build.insecureRegistry()) {
      argv.add("--tls-verify=false");
    }
    argv.add(image);
    argv.add("docker://" + image);
    new Command(login.into(argv, 2)).run("push", context, deadline);
    try {
      return Files.readString(digestFile).trim();
    } catch (IOException e) {
      throw new BuildFailure("the push gave no digest: " + e.getMessage());
    }
  }

  private static List<String> cmd(List<String> prefix, String... rest) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(rest));
    return all;
  }

  private static String memory(String quantity) {
    return quantity.replace("Mi", "m").replace("Gi", "g");
  }

  private static String cpus(String quantity) {
    return quantity.endsWith("m")
        ? Double.toString(Integer.parseInt(quantity.substring(0, quantity.length() - 1)) / 1000.0)
        : quantity;
  }

  /** For the platform's own cleaning after a build: never cancelled. */
  private static final BuildContext NOBODY =
      new BuildContext() {
        @Override
        public void stepStarted(String step) {}

        @Override
        public void stepFinished(String step, boolean succeeded) {}

        @Override
        public void log(String line) {}

        @Override
        public void resolved(String commit, String image) {}

        @Override
        public boolean cancelRequested() {
          return false;
        }
      };
}
