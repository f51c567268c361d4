package io.containercloud.logagent.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodLogFoldersTest {

  @TempDir Path node;

  @Test
  void aRootMadeAfterTheStartIsNoticedAtOnceWithWhatItHolds() throws Exception {
    Path root = node.resolve("var/log/pods");
    try (PodLogFolders folders = new PodLogFolders(root)) {
      assertThat(folders.scan()).isEmpty();

      Path container = Files.createDirectories(root.resolve("shop_api-1_uid-1/main"));
      Files.writeString(container.resolve("0.log"), "line\n");
      assertThat(folders.changed(Duration.ofSeconds(5))).isTrue();
      List<FoundFile> found = folders.scan();
      while (found.isEmpty() && folders.changed(Duration.ofSeconds(5))) {
        found = folders.scan(); // the chain of folders is made one by one
      }

      assertThat(found)
          .containsExactly(
              new FoundFile(
                  container.resolve("0.log"), new ContainerRef("shop", "api-1", "uid-1", "main")));
    }
  }

  @Test
  void rotationsAreFoundAndCompressedOrTemporaryFilesAreNot() throws Exception {
    Path container = Files.createDirectories(node.resolve("shop_api-1_uid-1/main"));
    for (String name :
        List.of(
            "0.log",
            "0.log.20261205-101010",
            "0.log.20261205-101000.gz",
            "0.log.20261205-101020.tmp",
            "1.log",
            "notes.txt")) {
      Files.writeString(container.resolve(name), "line\n");
    }
    try (PodLogFolders folders = new PodLogFolders(node)) {
      assertThat(folders.scan())
          .extracting(f -> f.path().getFileName().toString())
          .containsExactlyInAnyOrder("0.log", "0.log.20261205-101010", "1.log");
    }
  }
}
