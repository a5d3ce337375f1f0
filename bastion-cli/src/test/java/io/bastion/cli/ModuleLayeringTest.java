package io.bastion.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Modules depend only downward, in this order, and their packages form no cycle: the core knows
 * nothing of the others, the server nothing of clients, benchmarks or the command line. Checked on
 * the compiled main classes of every module (this module's test classpath holds them all).
 */
class ModuleLayeringTest {
    /** Each module's package, lowest first; a module may use only those before it. */
    private static final List<String> LAYERS = List.of(
            "io.bastion.core..", "io.bastion.crypto..", "io.bastion.sql..", "io.bastion.threshold..",
            "io.bastion.evoting..", "io.bastion.sim..", "io.bastion.net..", "io.bastion.server..",
            "io.bastion.client..", "io.bastion.bench..", "io.bastion.cli..");

    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // test helpers other modules share (the e-voting test jar's SecretScan) are tests too
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.bastion");

    @Test
    void everyModuleUsesOnlyTheModulesBelowIt() {
        for (int i = 0; i < LAYERS.size(); i++) {
            String module = LAYERS.get(i);
            assertThat(ALL.that(com.tngtech.archunit.base.DescribedPredicate.describe(module,
                    c -> c.getPackageName().startsWith(module.replace("..", ""))))).as(module).isNotEmpty();
            List<String> above = LAYERS.subList(i + 1, LAYERS.size());
            if (above.isEmpty()) {
                continue;
            }
            noClasses().that().resideInAPackage(module)
                    .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
                    .because("modules depend only downward")
                    .check(ALL);
        }
    }

    @Test
    void modulesHaveNoPackageCycles() {
        SlicesRuleDefinition.slices().matching("io.bastion.(*)..").should().beFreeOfCycles().check(ALL);
    }
}
