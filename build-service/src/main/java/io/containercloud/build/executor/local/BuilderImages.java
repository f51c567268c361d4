package io.containercloud.build.executor.local;

import io.containercloud.build.configuration.model.Toolchain;
import io.containercloud.build.executor.BuildContext;
import io.containercloud.build.executor.BuildFailure;
import io.containercloud.build.executor.BuildProperties;
import io.containercloud.build.executor.ProjectCredentials;
import io.containercloud.build.executor.Toolchains;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * The images builds run in and on, made by the platform itself from Debian's packages (no public
 * registry is needed): a builder image per toolchain (the compiler, its build tool and git), kept
 * in the host's container storage, and the base images of generated images (a Java 17 runtime,
 * Node, a bare Debian for Go programs), pushed to the registry's {@code platform} project. Each is
 * made once, by the first build that needs it, with {@code debootstrap} and {@code podman import}.
 */
@Component
class BuilderImages {

  private static final Map<Toolchain, String> PACKAGES =
      Map.of(
          Toolchain.JAVA_MAVEN, "openjdk-17-jdk-headless,maven,git,ca-certificates",
          Toolchain.JAVA_GRADLE, "openjdk-17-jdk-headless,git,ca-certificates",
          Toolchain.NODE, "nodejs,git,ca-certificates",
          Toolchain.GO, "golang-go,git,ca-certificates",
          Toolchain.DOCKERFILE, "git,ca-certificates");

  // installed with apt in the new root afterwards: debootstrap's own resolver cannot install npm
  // or gradle (dependencies met by packages that provide them). Debian's Gradle is 4.4.1, for
  // projects without a wrapper; one with a wrapper runs the Gradle it names
  private static final Map<Toolchain, String> APT_PACKAGES =
      Map.of(Toolchain.NODE, "npm", Toolchain.JAVA_GRADLE, "gradle");

  // what each generated image's base holds (Toolchains.runtime names them)
  private static final Map<Toolchain, String> RUNTIME_PACKAGES =
      Map.of(
          Toolchain.JAVA_MAVEN, "openjdk-17-jre-headless,ca-certificates",
          Toolchain.JAVA_GRADLE, "openjdk-17-jre-headless,ca-certificates",
          Toolchain.NODE, "nodejs,ca-certificates",
          Toolchain.GO, "ca-certificates");

  private final LocalProperties local;
  private final BuildProperties build;

  private final ProjectCredentials projects;

  BuilderImages(LocalProperties local, BuildProperties build, ProjectCredentials projects) {
    this.local = local;
    this.build = build;
    this.projects = projects;
  }

  /** Whether the local executor builds this toolchain's code. */
  static boolean supports(Toolchain toolchain) {
    return PACKAGES.containsKey(toolchain);
  }

  /** The builder image of {@code toolchain}, made first if the host has none. */
  synchronized String builder(Toolchain toolchain, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    String image = "localhost/container-cloud/builder-" + toolchain.value() + ":1";
    if (!exists(image, context, deadline)) {
      context.log("[platform] making the " + toolchain.value() + " builder image (once per host)");
      Path root = root("builder-" + toolchain.value(), PACKAGES.get(toolchain), context, deadline);
      if (APT_PACKAGES.containsKey(toolchain)) {
        apt(root, APT_PACKAGES.get(toolchain), context, deadline);
      }
      podmanImport(root, image, context, deadline);
    }
    return image;
  }

  /**
   * The base image of {@code toolchain}'s generated images in the registry, made and pushed first
   * if missing there.
   */
  synchronized String runtime(Toolchain toolchain, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    String image = Toolchains.runtime(toolchain, build.registry());
    // the platform's project holds the base images every tenant's build pulls
    RegistryLogin login =
        RegistryLogin.write(local.images(), build.registry(), projects.forTenant("platform"));
    try {
      List<String> inspect = new ArrayList<>(List.of("skopeo", "inspect", "--raw"));
      if (build.insecureRegistry()) {
        inspect.add("--tls-verify=false");
      }
      inspect.add("docker://" + image);
      try {
        new Command(login.into(inspect, 2)).quiet().run("looking for " + image, context, deadline);
        return image;
      } catch (BuildFailure missing) {
        context.log("[platform] making the base image " + image + " (once)");
      }
      String name = image.substring(image.lastIndexOf('/') + 1);
      String local = "localhost/container-cloud/" + name;
      if (!exists(local, context, deadline)) {
        podmanImport(
            root(name.replace(':', '-'), RUNTIME_PACKAGES.get(toolchain), context, deadline),
            local,
            context,
            deadline);
      }
      List<String> push =
          new ArrayList<>(List.of("podman", "--runtime", this.local.runtime(), "push", "--quiet"));
      if (build.insecureRegistry()) {
        push.add("--tls-verify=false");
      }
      push.add(local);
      push.add("docker://" + image);
      new Command(login.into(push, 4)).quiet().run("pushing " + image, context, deadline);
      return image;
    } finally {
      login.delete();
    }
  }

  private boolean exists(String image, BuildContext context, Instant deadline)
      throws InterruptedException {
    try {
      new Command(List.of("podman", "image", "exists", image))
          .quiet()
          .run("looking for " + image, context, deadline);
      return true;
    } catch (BuildFailure absent) {
      return false;
    }
  }

  private Path root(String name, String packages, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    Path root = local.images().resolve(name);
    delete(root);
    try {
      Files.createDirectories(root.getParent());
    } catch (IOException e) {
      throw new BuildFailure("cannot make " + root.getParent() + ": " + e.getMessage());
    }
    new Command(
            List.of(
                "debootstrap",
                "--variant=minbase",
                "--include=" + packages,
                local.suite(),
                root.toString(),
                local.mirror()))
        .quiet()
        .run("making the Debian root " + name, context, deadline);
    trustHostAuthorities(root, context, deadline);
    return root;
  }

  // in a mount and process namespace of its own with /proc mounted: Java's certificate store is
  // configured by a package script that runs java, which needs /proc; the mount ends with it
  private static void apt(Path root, String packages, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    List<String> install =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--mount-proc=" + root.resolve("proc"),
                "chroot",
                root.toString(),
                "/usr/bin/env",
                "DEBIAN_FRONTEND=noninteractive",
                "apt-get",
                "install",
                "--yes",
                "--quiet",
                "--no-install-recommends"));
    install.addAll(List.of(packages.split(",")));
    new Command(install).quiet().run("installing " + packages, context, deadline);
    new Command(List.of("chroot", root.toString(), "apt-get", "clean"))
        .quiet()
        .run("cleaning apt's cache", context, deadline);
  }

  /**
   * The certificate authorities the host added to its own (a company's TLS-inspecting proxy, an
   * internal registry's CA) are trusted in the image too, by the system and by Java.
   */
  private static void trustHostAuthorities(Path root, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    Path added = Path.of("/usr/local/share/ca-certificates");
    if (!Files.isDirectory(added)) {
      return;
    }
    try (Stream<Path> certificates = Files.list(added)) {
      Path target = root.resolve("usr/local/share/ca-certificates");
      Files.createDirectories(target);
      for (Path certificate : certificates.filter(p -> p.toString().endsWith(".crt")).toList()) {
        Files.copy(certificate, target.resolve(certificate.getFileName()));
      }
    } catch (IOException e) {
      throw new BuildFailure("the host's certificate authorities could not be copied: " + e);
    }
    new Command(List.of("chroot", root.toString(), "update-ca-certificates"))
        .quiet()
        .run("trusting the host's certificate authorities", context, deadline);
    // Java's store is rebuilt by a hook that needs a running system: the host's, which has them
    Path java = Path.of("/etc/ssl/certs/java/cacerts");
    Path imageJava = root.resolve("etc/ssl/certs/java/cacerts");
    if (Files.isRegularFile(java) && Files.exists(imageJava)) {
      try {
        Files.copy(java, imageJava, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new BuildFailure("the host's Java trust store could not be copied: " + e);
      }
    }
  }

  private void podmanImport(Path root, String image, BuildContext context, Instant deadline)
      throws BuildFailure, InterruptedException {
    Path tar = root.resolveSibling(root.getFileName() + ".tar");
    try {
      new Command(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."))
          .quiet()
          .run("packing " + image, context, deadline);
      new Command(List.of("podman", "import", "--quiet", tar.toString(), image))
          .quiet()
          .run("importing " + image, context, deadline);
    } finally {
      delete(root);
      try {
        Files.deleteIfExists(tar);
      } catch (IOException e) {
        context.log("[platform] could not remove " + tar + ": " + e.getMessage());
      }
    }
  }

  static void delete(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + folder, e);
    }
  }
}
