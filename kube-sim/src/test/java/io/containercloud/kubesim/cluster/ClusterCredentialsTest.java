package io.containercloud.kubesim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCredentialsTest {

  private static final Duration TEN_YEARS = Duration.ofDays(3650);
  private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");

  @TempDir Path dir;

  @Test
  void keepsTheCaAndTokenAcrossRestartsReadableByThisUserOnly() throws Exception {
    ClusterCredentials first = ClusterCredentials.loadOrCreate(dir, "room-1", TEN_YEARS, NOW);
    ClusterCredentials again =
        ClusterCredentials.loadOrCreate(dir, "room-1", TEN_YEARS, NOW.plus(Duration.ofDays(30)));

    assertThat(again.token()).isEqualTo(first.token()).matches("[0-9a-f]{64}");
    assertThat(again.ca().certificate()).isEqualTo(first.ca().certificate());
    for (String file : new String[] {"ca.key", "token"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file))))
          .isEqualTo("rw-------");
    }
    assertThat(first.toString()).doesNotContain(first.token());
  }

  @Test
  void eachClusterGetsItsOwnCaAndToken() {
    ClusterCredentials one =
        ClusterCredentials.loadOrCreate(dir.resolve("room-1"), "room-1", TEN_YEARS, NOW);
    ClusterCredentials two =
        ClusterCredentials.loadOrCreate(dir.resolve("room-2"), "room-2", TEN_YEARS, NOW);

    assertThat(two.token()).isNotEqualTo(one.token());
    assertThat(two.ca().publicKey()).isNotEqualTo(one.ca().publicKey());
  }

  @Test
  void replacesAnExpiredCaOrOneOfAnotherLifetimeButKeepsTheToken() {
    ClusterCredentials first = ClusterCredentials.loadOrCreate(dir, "room-1", TEN_YEARS, NOW);

    ClusterCredentials otherLifetime =
        ClusterCredentials.loadOrCreate(dir, "room-1", Duration.ofDays(5), NOW);
    ClusterCredentials expired =
        ClusterCredentials.loadOrCreate(
            dir, "room-1", Duration.ofDays(5), NOW.plus(Duration.ofDays(6)));

    assertThat(otherLifetime.ca().certificate()).isNotEqualTo(first.ca().certificate());
    assertThat(otherLifetime.ca().certificate().getNotAfter().toInstant())
        .isEqualTo(NOW.plus(Duration.ofDays(5)));
    assertThat(expired.ca().certificate()).isNotEqualTo(otherLifetime.ca().certificate());
    assertThat(expired.token()).isEqualTo(first.token());
  }

  @Test
  void replacesAnUnreadableCa() throws Exception {
    ClusterCredentials first = ClusterCredentials.loadOrCreate(dir, "room-1", TEN_YEARS, NOW);
    Files.writeString(dir.resolve("ca.crt"), "garbage");

    ClusterCredentials again = ClusterCredentials.loadOrCreate(dir, "room-1", TEN_YEARS, NOW);

    assertThat(again.ca().certificate()).isNotEqualTo(first.ca().certificate());
    assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(again.ca().certificatePem());
  }
}
