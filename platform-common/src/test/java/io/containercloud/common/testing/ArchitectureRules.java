package io.containercloud.common.testing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The layout rules of STYLE.md, checked per module: feature packages form no cycles, pure model
 * packages touch no client library, and no service reaches into another service's packages.
 */
public final class ArchitectureRules {

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
  }
}
