package io.containercloud.nginxagent.nginx;

import java.nio.file.Path;
import java.util.Optional;

/** What the agent needs of the server it configures ({@link NginxProcess} for a real nginx). */
public interface NginxControl {

  /** The prefix folder holding {@code conf/}, {@code logs/} and temp paths. */
  Path prefix();

  /** The configuration file in use. */
  Path config();

  /** Checks a candidate file: empty when it passes, else why not. */
  Optional<String> test(Path candidate);

  /** Starts the server with the configuration in use unless it runs already. */
  void ensureRunning();

  /** Loads the configuration in use. */
  void reload();

  void stop();

  /** The master process's PID, when it runs. */
  Optional<Long> pid();

  /** The server's name and version, such as {@code nginx/1.22.1}. */
  String version();
}
