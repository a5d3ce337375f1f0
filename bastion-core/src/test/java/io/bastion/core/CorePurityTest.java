package io.bastion.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core must stay a deterministic function of its inputs: no I/O, threads, clocks, unseeded
 * randomness or logging. Checked on the compiled classes (ArchUnit), so no import or fully
 * qualified name gets past it.
 */
class CorePurityTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.bastion.core");

    /** What the core may not touch: I/O, threads and locks, clocks, unseeded randomness, logging. */
    static final ArchRule NO_SIDE_EFFECTS = noClasses().that().resideInAPackage("io.bastion.core..")
            .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "java.nio.file..",
                    "java.util.concurrent..", "java.util.logging..", "org.slf4j..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName(java.io.File.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(java.io.FileInputStream.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(java.io.FileOutputStream.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(java.io.RandomAccessFile.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(Thread.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(java.util.Random.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(java.security.SecureRandom.class.getName())
            .orShould().dependOnClassesThat().haveFullyQualifiedName(Clock.class.getName())
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().callMethod(System.class, "getenv", String.class)
            .orShould().callMethod(System.class, "getProperty", String.class)
            .orShould().callMethod(Instant.class, "now")
            .orShould().callMethod(LocalDateTime.class, "now")
            .orShould().callMethod(Math.class, "random")
            .orShould().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .because("the core is on(event) -> actions: time comes with ticks, randomness from a seeded generator");

    static final ArchRule NO_LOCKS = methods().that().areDeclaredInClassesThat().resideInAPackage("io.bastion.core..")
            .should().notHaveModifier(JavaModifier.SYNCHRONIZED)
            .because("one thread owns the core");

    @Test
    void coreUsesNoIoThreadsClocksOrUnseededRandomness() {
        assertThat(CORE.contain(io.bastion.core.replica.Replica.class)).as("the core's classes were imported").isTrue();
        NO_SIDE_EFFECTS.check(CORE);
        NO_LOCKS.check(CORE);
    }

    /** The rules would catch what they look for: classes of this test module break them. */
    @Test
    void theRulesCatchWhatTheyLookFor() {
        JavaClasses offender = new ClassFileImporter().importClasses(Offender.class);
        EvaluationResult result = noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(Thread.class.getName())
                .evaluate(offender);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).hasSizeGreaterThanOrEqualTo(2);
    }

    /** A class that does what the core must not. */
    static final class Offender {
        long now() {
            return System.currentTimeMillis();
        }

        void spawn() {
            new Thread(() -> { }).start();
        }
    }
}
