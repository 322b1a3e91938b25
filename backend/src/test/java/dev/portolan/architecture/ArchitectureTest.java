package dev.portolan.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package structure as the README's Layout section draws it: no cycles between the top-level
 * packages; the domain (sockets and their readers, owners, sampling, the fleet state, scans, audit,
 * limits, settings) in plain Java without Vert.x; the dashboard and the JSON API on top of the
 * hub's query facade, never the other way.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.portolan");

  @Test
  void noCyclesBetweenPackages() {
    slices().matching("dev.portolan.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void domainWithoutVertx() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.portolan.socket..",
            "dev.portolan.owner..",
            "dev.portolan.netns..",
            "dev.portolan.sampling..",
            "dev.portolan.fleet..",
            "dev.portolan.scan..",
            "dev.portolan.why..",
            "dev.portolan.audit..",
            "dev.portolan.limit..",
            "dev.portolan.config..",
            "dev.portolan.service..",
            "dev.portolan.bridge")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..")
        .check(CLASSES);
  }

  /**
   * The text both the terminal client and the API print ({@code portolan who}'s table) is plain
   * Java that knows nothing of either: the client loads it without the node, the node without the
   * client.
   */
  @Test
  void sharedTextIsPlainJava() {
    noClasses()
        .that()
        .resideInAPackage("dev.portolan.text..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.netty..", "picocli..")
        .orShould()
        .dependOnClassesThat(
            resideInAPackage("dev.portolan..").and(not(resideInAPackage("dev.portolan.text.."))))
        .check(CLASSES);
  }

  /** Namespaces build on owners, sockets and libc, never the other way. */
  @Test
  void networkNamespacesUseOnlyOwnersAndSockets() {
    noClasses()
        .that()
        .resideInAPackage("dev.portolan.netns..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.portolan.sampling..",
            "dev.portolan.fleet..",
            "dev.portolan.scan..",
            "dev.portolan.access..",
            "dev.portolan.http..",
            "dev.portolan.bridge..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAnyPackage("dev.portolan.owner..", "dev.portolan.socket..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.portolan.netns..")
        .check(CLASSES);
  }

  @Test
  void dashboardDoesNotReachIntoVerticles() {
    noClasses()
        .that()
        .resideInAPackage("dev.portolan.dashboard..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.portolan.verticles..")
        .check(CLASSES);
  }

  @Test
  void facadeKnowsNothingOfItsUsers() {
    noClasses()
        .that()
        .resideInAPackage("dev.portolan.query..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.portolan.dashboard..", "dev.portolan.api..", "dev.portolan.verticles..")
        .check(CLASSES);
  }

  @Test
  void accessRendersNoDashboard() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.portolan.access..", "dev.portolan.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.portolan.dashboard..", "dev.portolan.api..")
        .check(CLASSES);
  }

  @Test
  void domainKnowsNoTransport() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.portolan.socket..",
            "dev.portolan.owner..",
            "dev.portolan.netns..",
            "dev.portolan.sampling..",
            "dev.portolan.fleet..",
            "dev.portolan.scan..",
            "dev.portolan.why..",
            "dev.portolan.audit..",
            "dev.portolan.limit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.portolan.bus..",
            "dev.portolan.cluster..",
            "dev.portolan.verticles..",
            "dev.portolan.query..",
            "dev.portolan.api..",
            "dev.portolan.dashboard..")
        .check(CLASSES);
  }

  /**
   * The terminal client starts without the node: plain Java, the JDK's HTTP client and picocli, and
   * for embedded mode the readers of sockets and owners, nothing of Vert.x, Netty or Hazelcast nor
   * of the node's transport, API or verticles.
   */
  @Test
  void clientStartsWithoutTheNode() {
    noClasses()
        .that()
        .resideInAPackage("dev.portolan.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx..",
            "io.netty..",
            "com.hazelcast..",
            "com.fasterxml..",
            "io.micrometer..",
            "dev.portolan.bus..",
            "dev.portolan.cluster..",
            "dev.portolan.verticles..",
            "dev.portolan.query..",
            "dev.portolan.api..",
            "dev.portolan.dashboard..",
            "dev.portolan.fleet..",
            "dev.portolan.config..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.portolan.cli..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.portolan.Main")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.portolan.Portolan")
        .check(CLASSES);
  }
}
