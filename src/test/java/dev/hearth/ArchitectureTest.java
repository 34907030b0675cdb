package dev.hearth;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package table of DESIGN.md ("Packages"), pinned: each package uses only the ones below it
 * that its row names, there are no cycles between packages, and only {@code api} and
 * {@code gateway} (and {@code app}, which starts the server) know HTTP.
 *
 * <p>Two readings of the table, on purpose: every package may use {@code config} and the root
 * (its header says so); and {@code api} may use the {@code engine} package itself (not its
 * kinds' subpackages), because the API switches over the engine's {@code Endpoint}, which the
 * table puts in {@code engine}.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.hearth");

    private static LayeredArchitecture layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("app").definedBy("dev.hearth.app..")
                .layer("cli").definedBy("dev.hearth.cli..")
                .layer("api").definedBy("dev.hearth.api..")
                .layer("gateway").definedBy("dev.hearth.gateway..")
                .layer("cluster").definedBy("dev.hearth.cluster..")
                .layer("jobs").definedBy("dev.hearth.jobs..")
                .layer("scheduler").definedBy("dev.hearth.scheduler..")
                .layer("media").definedBy("dev.hearth.media..")
                .layer("engine").definedBy("dev.hearth.engine..")
                .layer("catalog").definedBy("dev.hearth.catalog..")
                .layer("observe").definedBy("dev.hearth.observe..")
                .layer("config").definedBy("dev.hearth.config..")
                .layer("root").definedBy("dev.hearth")
                .whereLayer("cli").mayOnlyAccessLayers("app", "api", "jobs", "scheduler", "media", "engine",
                        "catalog", "observe", "config", "root")
                .whereLayer("app").mayOnlyAccessLayers("api", "gateway", "cluster", "jobs", "scheduler", "media",
                        "engine", "catalog", "observe", "config", "root")
                .whereLayer("api").mayOnlyAccessLayers("gateway", "cluster", "jobs", "scheduler", "media", "engine",
                        "catalog", "observe", "config", "root")
                .whereLayer("cluster").mayOnlyAccessLayers("jobs", "scheduler", "media", "engine", "catalog",
                        "observe", "config", "root")
                .whereLayer("gateway").mayOnlyAccessLayers("observe", "config", "root")
                .whereLayer("jobs").mayOnlyAccessLayers("scheduler", "media", "engine", "catalog", "observe",
                        "config", "root")
                .whereLayer("scheduler").mayOnlyAccessLayers("engine", "catalog", "observe", "config", "root")
                .whereLayer("media").mayOnlyAccessLayers("config", "root")
                .whereLayer("engine").mayOnlyAccessLayers("catalog", "config", "observe", "root")
                .whereLayer("catalog").mayOnlyAccessLayers("config", "root")
                .whereLayer("observe").mayOnlyAccessLayers("config", "root")
                .whereLayer("config").mayOnlyAccessLayers("root")
                .whereLayer("root").mayNotAccessAnyLayer();
    }

    @Test
    void everyPackage_usesOnlyThePackagesBelowItThatDesignAllows() {
        layers().check(MAIN);
    }

    @Test
    void thePackages_haveNoCycles() {
        slices().matching("dev.hearth.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theApi_reachesEnginesOnlyThroughTheEnginePackage_notAKindsInsides() {
        noClasses().that().resideInAPackage("dev.hearth.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.hearth.engine.(*)..")
                .check(MAIN);
    }

    @Test
    void onlyApiGatewayAndApp_knowHttpServers() {
        noClasses().that().resideOutsideOfPackages("dev.hearth.api..", "dev.hearth.gateway..", "dev.hearth.app..")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon.webserver..", "io.helidon.http..")
                .check(MAIN);
    }
}
