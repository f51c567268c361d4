package io.containercloud.common.testing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  /** The rules for a module without model packages or shared libraries besides this one. */
  public static void check(String basePackage) {
    module(basePackage).check();
  }

  /**
   * The rules for the production classes under {@code basePackage}, for example {@code
   * io.containercloud.dns}; name its model packages and the libraries it may use before {@link
   * Module#check()}.
   */
  public static Module module(String basePackage) {
    return new Module(basePackage);
  }

  /** One module's layout: its pure model packages and the platform libraries it may use. */
  public static final class Module {

    private final String basePackage;
    private final List<String> models = new ArrayList<>();
    private final List<String> allowed = new ArrayList<>();

    private Module(String basePackage) {
      this.basePackage = basePackage;
      allowed.add(basePackage + "..");
      allowed.add("io.containercloud.common..");
    }

    /**
     * Its pure model packages, relative ({@code "model"}, {@code "workload.model"}): each must hold
     * classes and touch no client library, and no other package may be called a model.
     */
    public Module models(String... relative) {
      Arrays.stream(relative).map(p -> basePackage + "." + p + "..").forEach(models::add);
      return this;
    }

    /** Platform libraries besides platform-common it may use, as package patterns. */
    public Module using(String... packages) {
      allowed.addAll(Arrays.asList(packages));
      return this;
    }

    public void check() {
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
      classes()
          .that()
          .resideInAPackage("..model..")
          .should()
          .resideInAnyPackage(models.toArray(String[]::new))
          // a module without a model has nothing here; one with a model names it
          .allowEmptyShould(true)
          .because("a model package is declared, so that its purity is checked")
          .check(classes);
      for (String model : models) {
        noClasses()
            .that()
            .resideInAPackage(model)
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
            .because("a model turns desired state into objects or text without I/O")
            .check(classes);
      }
      noClasses()
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.containercloud..")
                  .and(not(resideInAnyPackage(allowed.toArray(String[]::new)))))
          .because("a service asks another over HTTP or listens to its events, never uses its code")
          .check(classes);
      kafkaListenersUseTopicPlaceholders().check(classes);
    }
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
