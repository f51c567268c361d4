package io.containercloud.common.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code git daemon} on loopback serving bare repositories from a temporary folder, and the
 * git commands that fill them: the sample service of {@code samples/hello-java}, on branches.
 */
public final class GitServer implements AutoCloseable {

  private final Path base = Files.createTempDirectory("git-server");
  private final Path work = Files.createTempDirectory("git-work");
  private final int port;
  private final Process daemon;

  public GitServer() throws IOException, InterruptedException {
    port = FreePorts.pick();
    daemon =
        new ProcessBuilder(
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--listen=127.0.0.1",
                "--port=" + port,
                "--base-path=" + base,
                base.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    await().atMost(Duration.ofSeconds(10)).until(this::answers);
  }

  /** The sample service as repository {@code name} on branch {@code main}; returns the commit. */
  public String sample(String name) throws IOException, InterruptedException {
    return sample(name, "hello-java");
  }

  /** The sample of {@code samples/<sample>} as repository {@code name}, on {@code main}. */
  public String sample(String name, String sample) throws IOException, InterruptedException {
    Path checkout = work.resolve(name);
    copy(LocalInfra.projectRoot().resolve("samples/" + sample), checkout);
    git(checkout, "init", "--quiet", "--initial-branch=main");
    commit(checkout, "sample");
    git(base, "init", "--quiet", "--bare", name + ".git");
    git(checkout, "push", "--quiet", base.resolve(name + ".git").toString(), "main");
    return git(checkout, "rev-parse", "HEAD").trim();
  }

  /** A branch of {@code name} from main where {@code file} says {@code content}. */
  public String branch(String name, String branch, String file, String content)
      throws IOException, InterruptedException {
    Path checkout = work.resolve(name);
    git(checkout, "checkout", "--quiet", "-B", branch, "main");
    Files.writeString(checkout.resolve(file), content);
    commit(checkout, branch);
    git(checkout, "push", "--quiet", "--force", base.resolve(name + ".git").toString(), branch);
    return git(checkout, "rev-parse", "HEAD").trim();
  }

  /**
   * A branch of {@code name}'s Java sample whose compile first runs {@code target} (Ant tasks) in
   * its first phase: a compile that waits, or a probe of what a build's code can reach.
   */
  public String antrunBranch(String name, String branch, String target)
      throws IOException, InterruptedException {
    String pom =
        Files.readString(LocalInfra.projectRoot().resolve("samples/hello-java/pom.xml"))
            .replace(
                "<plugins>",
                """
                <plugins>
                  <plugin>
                    <groupId>org.apache.maven.plugins</groupId>
                    <artifactId>maven-antrun-plugin</artifactId>
                    <version>3.1.0</version>
                    <executions><execution><phase>validate</phase><goals><goal>run</goal></goals>
                      <configuration><target>%s</target></configuration>
                    </execution></executions>
                  </plugin>"""
                    .formatted(target));
    return branch(name, branch, "pom.xml", pom);
  }

  public String url(String name) {
    return "git://127.0.0.1:" + port + "/" + name + ".git";
  }

  private boolean answers() {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void commit(Path checkout, String message)
      throws IOException, InterruptedException {
    git(checkout, "add", ".");
    git(
        checkout,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "--quiet",
        "-m",
        message);
  }

  private static String git(Path directory, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + ": " + output);
    }
    return output;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public void close() {
    daemon.destroy();
  }
}
