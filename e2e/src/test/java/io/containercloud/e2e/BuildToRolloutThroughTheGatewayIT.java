package io.containercloud.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.containercloud.common.testing.GitServer;
import io.containercloud.common.testing.OciRegistry;
import io.containercloud.common.testing.TestKafka;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * The whole path of a change, through the gateway as a developer takes it: the sample Java service
 * in a git repository, a build configuration and a manual build that really clones, compiles with
 * Maven, builds with buildah and pushes to the local registry; the registry's notification becomes
 * one {@code image.pushed} (build-service), which rolls the workload that follows the repository to
 * the pushed digest in every room (cluster-service), once.
 */
class BuildToRolloutThroughTheGatewayIT {

  private static final Duration ROLLOUT = Duration.ofSeconds(90);

  private final E2ePlatform platform = E2ePlatform.get();

  @Test
  void aBuildThroughTheGatewayRollsTheWorkloadThatFollowsItsImage() throws Exception {
    String name = "shop-" + platform.run;
    String followed = OciRegistry.ADDRESS + "/platform/" + name;
    // a fresh login: the first build may outlive the admin's access token
    Session dev = platform.newUser("builder-" + platform.run, "platform", "developer");
    FollowingWorkloads.deploy(dev, name, followed, "v0", "main-*");

    try (GitServer git = new GitServer();
        KafkaConsumer<String, String> images =
            TestKafka.consumerAtEndOf(E2ePlatform.TOPIC_PREFIX + "image-events");
        KafkaConsumer<String, String> clusters =
            TestKafka.consumerAtEndOf(E2ePlatform.TOPIC_PREFIX + "cluster-events")) {
      String commit = git.sample(name);
      Builds.Build built = Builds.first(dev, name, git.url(name));
      String build = built.json();
      String log = built.log();
      assertThat(build).as(log).contains("\"status\":\"SUCCEEDED\"", "\"commit\":\"" + commit);
      String tag = "main-" + commit.substring(0, 7);
      String digest = OciRegistry.manifestDigest("platform/" + name, tag);
      assertThat(build).contains("\"digest\":\"" + digest + "\"");
      assertThat(log).contains("BUILD SUCCESS", "[platform] pushed " + digest);

      String image = followed + "@" + digest;
      FollowingWorkloads.awaitRolled(dev, name, image, ROLLOUT);

      // the push to room-1's registry announced once (the copies in the other rooms' registries
      // are announced as pushes to those), and the workload rolled once, naming that announcement
      List<String> pushed =
          values(
              TestKafka.readToEnd(images),
              "\"type\":\"image.pushed\"",
              "\"registry\":\"" + OciRegistry.ADDRESS + "\"",
              "\"repository\":\"platform/" + name + "\"",
              "\"tag\":\"" + tag + "\"");
      assertThat(pushed).hasSize(1);
      String event = pushed.get(0).replaceAll(".*?\"id\":\"([^\"]+)\".*", "$1");
      assertThat(
              values(
                  TestKafka.readToEnd(clusters),
                  "\"cause\":\"image.pushed\"",
                  "\"subject\":\"platform/" + name + "\""))
          .singleElement()
          .asString()
          .contains("\"event\":\"" + event + "\"", "\"to\":\"" + image + "\"");
    }
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records, String... all) {
    return records.stream()
        .map(ConsumerRecord::value)
        .filter(value -> List.of(all).stream().allMatch(value::contains))
        .toList();
  }
}
