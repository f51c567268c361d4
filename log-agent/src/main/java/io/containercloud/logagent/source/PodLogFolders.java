package io.containercloud.logagent.source;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The node's pod log folder, {@code <root>/<namespace>_<pod>_<uid>/<container>/<restart>.log} and
 * its rotations: found by a scan, and followed by file-system notifications (inotify) on every
 * folder so that a new file or a write wakes the tailer at once. Notifications can overflow or miss
 * a folder made and filled between two scans, so a periodic scan stays the source of truth.
 *
 * <p>Gzipped rotations ({@code .gz}) and the kubelet's temporary files ({@code .tmp}) are not
 * returned: the tailer keeps every file it found open until read, so a file compressed behind it
 * was read through its open descriptor.
 */
public final class PodLogFolders implements Closeable {

  private static final Pattern LOG_FILE = Pattern.compile("\\d+\\.log(\\.[0-9-]+)*");

  private final Path root;
  private final WatchService watch;
  private final Map<Path, WatchKey> watched = new HashMap<>();

  public PodLogFolders(Path root) {
    this.root = root;
    try {
      this.watch = root.getFileSystem().newWatchService();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every container log file in the folder now, watching every folder it went through. A folder is
   * watched before it is listed, so a file made in it meanwhile is either listed or notified.
   */
  public List<FoundFile> scan() {
    List<FoundFile> found = new ArrayList<>();
    Set<Path> folders = new HashSet<>();
    if (follow(root, folders)) {
      for (Path pod : children(root)) {
        if (!follow(pod, folders)) {
          continue;
        }
        for (Path container : children(pod)) {
          Optional<ContainerRef> ref = ContainerRef.of(container);
          if (ref.isEmpty() || !follow(container, folders)) {
            continue;
          }
          for (Path file : children(container)) {
            if (LOG_FILE.matcher(file.getFileName().toString()).matches()) {
              found.add(new FoundFile(file, ref.get()));
            }
          }
        }
      }
    } else {
      awaitRoot(folders);
    }
    watched.entrySet().removeIf(entry -> !entry.getValue().isValid());
    watched.keySet().removeIf(folder -> !folders.contains(folder) && cancel(folder));
    return found;
  }

  /**
   * Waits up to {@code timeout} for a notification (a file made, written or removed); true when a
   * file or folder was made or removed, which calls for a scan, false after a write or a quiet
   * wait.
   */
  public boolean changed(Duration timeout) throws InterruptedException {
    WatchKey key = watch.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    boolean changed = false;
    while (key != null) {
      for (WatchEvent<?> event : key.pollEvents()) {
        changed |= event.kind() != ENTRY_MODIFY;
      }
      key.reset();
      key = watch.poll();
    }
    return changed;
  }

  /**
   * Watches the nearest folder above the root that exists, while the root does not (the kubelet
   * makes it with its first pod): its making is then noticed at once, not at the next scan.
   */
  private void awaitRoot(Set<Path> folders) {
    Path above = root.toAbsolutePath().getParent();
    while (above != null && !follow(above, folders)) {
      above = above.getParent();
    }
  }

  /** Watches {@code folder} unless it is watched already; false when it is no folder (now). */
  private boolean follow(Path folder, Set<Path> folders) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    WatchKey key = watched.get(folder);
    if (key == null || !key.isValid()) {
      try {
        watched.put(folder, folder.register(watch, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY));
      } catch (NoSuchFileException e) {
        return false; // gone between the check and now
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    folders.add(folder);
    return true;
  }

  private boolean cancel(Path folder) {
    watched.get(folder).cancel();
    return true;
  }

  private static List<Path> children(Path folder) {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      entries.forEach(children::add);
    } catch (NoSuchFileException e) {
      // removed while listed (a deleted pod): it has no children now
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return children;
  }

  @Override
  public void close() throws IOException {
    watch.close();
  }
}
