package io.containercloud.common.testing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.containercloud.common.event.Topic;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The layout rules of STYLE.md, checked per module: feature packages form no cycles, pure model
 * packages touch no client library, and no service reaches into another service's packages; and
 * every Kafka listener names its topics with the configured prefix, so that tests and the local
 * platform sharing one broker never consume each other's events.
 */
public final class ArchitectureRules {

  private static final String KAFKA_LISTENER = "org.springframework.kafka.annotation.KafkaListener";

  private ArchitectureRules() {}

  /**
   * Checks the production classes under {@code basePackage}, for example {@code
   * io.containercloud.dns}.
   */
  public static void check(String basePackage) {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(basePackage);
    slices()
        .matching(basePackage + ".(*)..")
        .should()
        .beFreeOfCycles()
        .allowEmptyShould(true)
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("..model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8..",
            "io.etcd..",
            "org.apache.kafka..",
            "org.springframework.jdbc..",
            "org.springframework.web..",
            "co.elastic..",
            "org.xbill..",
            "java.net.http..",
            "java.sql..")
        .allowEmptyShould(true)
        .because("a model turns desired state into objects or text without I/O")
        .check(classes);
    noClasses()
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.containercloud..")
                .and(not(resideInAnyPackage(basePackage + "..", "io.containercloud.common.."))))
        .because("a service asks another over HTTP or listens to its events, never uses its code")
        .check(classes);
    kafkaListenersUseTopicPlaceholders().check(classes);
  }

  /**
   * Every {@code @KafkaListener} method names its topics as {@code Topic.Placeholders} constants
   * (so with {@code platform.kafka.topic-prefix}), never as literals, patterns or partitions.
   */
  public static ArchRule kafkaListenersUseTopicPlaceholders() {
    return methods()
        .that()
        .areAnnotatedWith(KAFKA_LISTENER)
        .should(nameTheirTopicsThroughPlaceholders())
        .allowEmptyShould(true)
        .because(
            "platform.kafka.topic-prefix keeps tests and the local platform apart on one broker");
  }

  private static ArchCondition<JavaMethod> nameTheirTopicsThroughPlaceholders() {
    Set<String> allowed =
        Arrays.stream(Topic.values())
            .map(t -> Topic.Placeholders.PREFIX + t.topicName())
            .collect(Collectors.toSet());
    return new ArchCondition<>("name their topics through Topic.Placeholders") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        JavaAnnotation<JavaMethod> listener = method.getAnnotationOfType(KAFKA_LISTENER);
        String[] topics = (String[]) listener.get("topics").orElse(new String[0]);
        boolean patternOrPartitions =
            !"".equals(listener.get("topicPattern").orElse(""))
                || ((Object[]) listener.get("topicPartitions").orElse(new Object[0])).length > 0;
        boolean ok =
            topics.length > 0
                && !patternOrPartitions
                && Arrays.stream(topics).allMatch(allowed::contains);
        events.add(
            new SimpleConditionEvent(
                method,
                ok,
                method.getFullName()
                    + " listens to "
                    + Arrays.toString(topics)
                    + (patternOrPartitions ? " with a topic pattern or partitions" : "")
                    + ", not to Topic.Placeholders"));
      }
    };
  }
}
