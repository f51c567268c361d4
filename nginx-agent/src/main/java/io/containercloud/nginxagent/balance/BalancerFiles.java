package io.containercloud.nginxagent.balance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/** What nginx needs on disk for the Lua balancer, written by the agent before nginx reads it. */
public final class BalancerFiles {

  private static final String CODE = "platform_balancer.lua";

  private BalancerFiles() {}

  /**
   * Writes the balancer's code into {@code luaFolder} and makes the admin socket's folder readable
   * and writable by the agent's user only: whoever may open the socket may change what nginx
   * serves.
   *
   * @return whether the code differs from what was there (a running nginx has the old one loaded
   *     until it reloads)
   */
  public static boolean install(Path luaFolder, Path socketFolder) {
    try (InputStream code = BalancerFiles.class.getResourceAsStream("/nginx/" + CODE)) {
      byte[] bytes = code.readAllBytes();
      Path file = luaFolder.resolve(CODE);
      boolean changed = !Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), bytes);
      Files.createDirectories(luaFolder);
      Path temporary = luaFolder.resolve(CODE + ".new");
      Files.write(temporary, bytes);
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.createDirectories(socketFolder);
      Files.setPosixFilePermissions(socketFolder, PosixFilePermissions.fromString("rwx------"));
      return changed;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Lua balancer's files", e);
    }
  }
}
