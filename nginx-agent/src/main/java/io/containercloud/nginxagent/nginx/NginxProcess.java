package io.containercloud.nginxagent.nginx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The local nginx of one prefix: tests a candidate configuration, starts, reloads and stops the
 * server. The configuration in use is always {@code conf/nginx.conf} under the prefix.
 */
public final class NginxProcess implements NginxControl {

  private static final long TIMEOUT_S = 30;

  private final Path binary;
  private final Path prefix;

  public NginxProcess(Path binary, Path prefix) {
    this.binary = binary;
    this.prefix = prefix.toAbsolutePath();
  }

  @Override
  public Path prefix() {
    return prefix;
  }

  @Override
  public Path config() {
    return prefix.resolve("conf/nginx.conf");
  }

  /** {@code nginx -t} of a candidate file: empty when it passes, else nginx's output. */
  @Override
  public Optional<String> test(Path candidate) {
    Result result = run("-t", "-q", "-c", candidate.toAbsolutePath().toString());
    return result.exit() == 0 ? Optional.empty() : Optional.of(result.output());
  }

  /** Starts nginx with the configuration in use unless it runs already. */
  @Override
  public void ensureRunning() {
    if (running()) {
      return;
    }
    Result result = run("-c", config().toString());
    if (result.exit() != 0) {
      throw new IllegalStateException("nginx did not start: " + result.output());
    }
  }

  /** Asks the running nginx to load the configuration in use (starting it if it is down). */
  @Override
  public void reload() {
    if (!running()) {
      ensureRunning();
      return;
    }
    Result result = run("-c", config().toString(), "-s", "reload");
    if (result.exit() != 0) {
      throw new IllegalStateException("nginx did not reload: " + result.output());
    }
  }

  @Override
  public void stop() {
    if (running()) {
      run("-c", config().toString(), "-s", "quit");
    }
  }

  /** Whether the master process named in the pid file is alive. */
  public boolean running() {
    return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public Optional<Long> pid() {
    try {
      return Optional.of(Long.parseLong(Files.readString(prefix.resolve("logs/nginx.pid")).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** What {@code nginx -v} says, such as {@code nginx/1.22.1}. */
  @Override
  public String version() {
    return run("-v")
        .output()
        .replaceFirst("^nginx version: ", "")
        .replaceFirst("^Tengine version: ", "");
  }

  private Result run(String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "-p", prefix + "/"));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(prefix.resolve("logs"));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "nginx did not finish in " + TIMEOUT_S + " s");
      }
      return new Result(process.exitValue(), output.trim());
    } catch (IOException e) {
      return new Result(-1, "cannot run " + binary + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private record Result(int exit, String output) {}
}
