package io.vela.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The package rules of docs/architecture.md, enforced. */
class ArchitectureTest {

  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.vela");
  }

  @Test
  @DisplayName("only the codec package touches Netty or vertx-mqtt")
  void codecIsTheOnlyNettyUser() {
    noClasses().that().resideOutsideOfPackages("io.vela.codec..")
        .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.vertx.mqtt..")
        .check(classes);
  }

  @Test
  @DisplayName("session and routing are transport-neutral")
  void sessionAndRoutingDoNotKnowTransports() {
    noClasses().that().resideInAnyPackage("io.vela.session..", "io.vela.routing..", "io.vela.protocol..",
            "io.vela.api..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vela.codec..", "io.vela.transport..",
            "io.vertx.core.net..", "io.vertx.core.internal..")
        .check(classes);
  }

  @Test
  @DisplayName("dependencies point downward: routing does not use session, api uses nothing internal")
  void layering() {
    noClasses().that().resideInAPackage("io.vela.routing..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vela.session..", "io.vela.config..")
        .check(classes);
    noClasses().that().resideInAPackage("io.vela.api..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vela.protocol..", "io.vela.session..",
            "io.vela.routing..", "io.vela.codec..", "io.vela.transport..", "io.vela.config..")
        .check(classes);
    noClasses().that().resideInAPackage("io.vela.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vela.session..", "io.vela.routing..",
            "io.vela.codec..", "io.vela.transport..")
        .check(classes);
  }
}
