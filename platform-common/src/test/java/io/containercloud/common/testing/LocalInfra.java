package io.containercloud.common.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The servers {@code scripts/infra.sh} starts for tests, and the fault drills on them: tests stop a
 * real server and start it again through the same script.
 */
public final class LocalInfra {

  public static final int MARIADB_PORT = 13306;
  public static final int ETCD_PORT = 12379;
  public static final int KAFKA_PORT = 19092;
  public static final int ELASTICSEARCH_PORT = 19200;
  public static final int BIND_PORT = 10053;
  public static final int REGISTRY_PORT = 15000;

  /** The registries of rooms 2 and 3 (room-1's is {@link #REGISTRY_PORT}). */
  public static final int REGISTRY2_PORT = 15002;

  public static final int REGISTRY3_PORT = 15003;

  public static final String KAFKA_BOOTSTRAP = "127.0.0.1:" + KAFKA_PORT;

  private LocalInfra() {}

  /** A JDBC URL for a test database of the local MariaDB; it is created when missing. */
  public static String jdbcUrl(String database) {
    return "jdbc:mysql://127.0.0.1:"
        + MARIADB_PORT
        + "/"
        + database
        + "?createDatabaseIfNotExist=true";
  }

  /**
   * Stops one server started by the script; fails if it still answers (for example when not ours).
   */
  public static void stop(String server, int port) {
    script("stop", server);
    if (answers(port)) {
      throw new IllegalStateException(
          server
              + " still answers on port "
              + port
              + ": it was not started by scripts/infra.sh here");
    }
  }

  /** Starts a server again and waits until it answers. */
  public static void start(String server) {
    script("start", server);
  }

  /** Empties a registry's storage (stopped, emptied, started again): a room's disk replaced. */
  public static void wipe(String registry) {
    script("wipe", registry);
  }

  /**
   * An executable jar a test runs as a process: the file system property {@code property} names,
   * which the module's pom sets from a test dependency (so Maven builds it first).
   */
  public static Path jar(String property) {
    String jar = System.getProperty(property);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "no jar in system property "
              + property
              + " ("
              + jar
              + "): the module's pom sets it; run the tests through Maven (-pl <module> -am verify)");
    }
    return Path.of(jar).toAbsolutePath();
  }

  public static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The checkout's root: the nearest folder upwards that holds {@code scripts/infra.sh}. */
  public static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("scripts/infra.sh"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "scripts/infra.sh not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static void script(String... args) {
    List<String> command =
        new ArrayList<>(List.of("bash", projectRoot().resolve("scripts/infra.sh").toString()));
    command.addAll(List.of(args));
    try {
      File log = Files.createTempFile("infra", ".log").toFile();
      Process process =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
      if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed:\n"
                + Files.readString(log.toPath(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
