package io.containercloud.cluster.workload.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FollowTest {

  private static final String REPOSITORY = "registry.room.example:5000/acme/orders";

  @Test
  void aGlobMatchesWholeTagsWithStarsAndQuestionMarks() {
    assertThat(matches("v*", "v1.2")).isTrue();
    assertThat(matches("v*", "v")).isTrue();
    assertThat(matches("v*", "release-v1")).isFalse();
    assertThat(matches("main-*", "main-3f2a9c1")).isTrue();
    assertThat(matches("*-rc?", "1.0-rc1")).isTrue();
    assertThat(matches("*-rc?", "1.0-rc12")).isFalse();
    assertThat(matches("*", "anything")).isTrue();
    assertThat(matches("latest", "latest")).isTrue();
    assertThat(matches("latest", "latest2")).isFalse();
    assertThat(matches("a*b*c", "aXXbYYc")).isTrue();
    assertThat(matches("a*b*c", "aXXbYY")).isFalse();
  }

  @Test
  void onlyTheSameRegistryAndRepositoryMatch() {
    Follow follow = new Follow(REPOSITORY, "*");
    assertThat(follow.matches(REPOSITORY, "v1")).isTrue();
    assertThat(follow.matches("registry.room.example/acme/orders", "v1")).isFalse();
    assertThat(follow.matches(REPOSITORY + "-x", "v1")).isFalse();
  }

  @Test
  void theProjectIsTheFirstComponentAfterTheRegistry() {
    assertThat(new Follow(REPOSITORY, "*").project()).isEqualTo("acme");
    assertThat(new Follow("127.0.0.1:15000/tenant-a/team/api", "*").project())
        .isEqualTo("tenant-a");
  }

  private static boolean matches(String pattern, String tag) {
    return new Follow(REPOSITORY, pattern).matches(REPOSITORY, tag);
  }
}
