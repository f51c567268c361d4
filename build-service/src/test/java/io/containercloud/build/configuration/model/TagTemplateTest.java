package io.containercloud.build.configuration.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TagTemplateTest {

  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void placeholdersAreTheBuildsValuesAndABranchIsMadeATag() {
    assertThat(TagTemplate.render("{branch}-{shortSha}", "feature/login", SHA, 7))
        .isEqualTo("feature-login-0123456");
    assertThat(TagTemplate.render("v{build}", "main", SHA, 12)).isEqualTo("v12");
    assertThat(TagTemplate.render("{sha}", "main", SHA, 1)).isEqualTo(SHA);
  }

  @Test
  void aTemplateWithAnUnknownPlaceholderOrOtherCharactersIsRefused() {
    assertThat(TagTemplate.problem("{branch}-{shortSha}")).isNull();
    assertThat(TagTemplate.problem("release")).isNull();
    assertThat(TagTemplate.problem("{user}")).contains("unknown placeholder {user}");
    assertThat(TagTemplate.problem("{branch")).contains("unmatched brace");
    assertThat(TagTemplate.problem("-{branch}")).contains("must start with");
    assertThat(TagTemplate.problem("a;b")).contains("placeholders");
    assertThat(TagTemplate.problem("$(id)")).contains("placeholders");
  }
}
