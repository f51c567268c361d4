package io.containercloud.build.configuration.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class GitSourceTest {

  private static final Set<String> HOSTS = Set.of("git.example.com", "127.0.0.1");

  @Test
  void plainUrlsOnAllowedHostsAreTaken() {
    assertThat(GitSource.problem("https://git.example.com/shop/orders.git", HOSTS)).isNull();
    assertThat(GitSource.problem("git://127.0.0.1:19418/hello.git", HOSTS)).isNull();
    assertThat(GitSource.problem("http://GIT.example.com/a/b", HOSTS)).isNull();
  }

  @Test
  void otherTransportsHostsCredentialsAndOptionLikePathsAreRefused() {
    assertThat(GitSource.problem("file:///etc/passwd", HOSTS)).contains("https, http or git");
    assertThat(GitSource.problem("ssh://git.example.com/a.git", HOSTS)).contains("https");
    assertThat(GitSource.problem("ext::sh -c id", HOSTS)).contains("plain");
    assertThat(GitSource.problem("https://u:p@git.example.com/a.git", HOSTS)).contains("plain");
    assertThat(GitSource.problem("https://evil.example.com/a.git", HOSTS)).contains("allowed host");
    assertThat(GitSource.problem("https://git.example.com/-u/a.git", HOSTS)).contains("path");
    assertThat(GitSource.problem("https://git.example.com/a/../b.git", HOSTS)).contains("path");
    assertThat(GitSource.problem("https://git.example.com", HOSTS)).contains("path");
    assertThat(GitSource.problem("https://git.example.com/a?x=1", HOSTS)).contains("plain");
  }
}
