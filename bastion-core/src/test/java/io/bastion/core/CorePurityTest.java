package io.bastion.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core must stay a deterministic function of its inputs: no I/O, threads, clocks, unseeded
 * randomness or logging. Scans the core's sources for what would break that.
 */
class CorePurityTest {
    private static final Pattern FORBIDDEN = Pattern.compile(String.join("|",
            "import java\\.net", "import java\\.nio\\.channels", "import java\\.nio\\.file", "import java\\.io\\.File",
            "java\\.io\\.File[A-Z ]", "new Thread", "Thread\\.sleep", "java\\.util\\.Random\\b", "new Random\\(",
            "ThreadLocalRandom", "SecureRandom", "System\\.(currentTimeMillis|nanoTime|getenv|getProperty|out|err)",
            "Instant\\.now", "LocalDateTime\\.now", "Clock\\.system", "Executors\\.", "java\\.util\\.concurrent",
            "synchronized", "org\\.slf4j", "java\\.util\\.logging", "Math\\.random"));

    @Test
    void coreSourcesUseNoIoThreadsClocksOrUnseededRandomness() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) {
                        hits.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(hits).as("forbidden in bastion-core").isEmpty();
    }

    @Test
    void theScanCatchesWhatItLooksFor() {
        assertThat(FORBIDDEN.matcher("long t = System.currentTimeMillis();").find()).isTrue();
        assertThat(FORBIDDEN.matcher("import java.net.Socket;").find()).isTrue();
        assertThat(FORBIDDEN.matcher("long t = event.nowMillis();").find()).isFalse();
    }
}
