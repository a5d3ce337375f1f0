package io.bastion.bench.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.bench.BenchResult;
import io.bastion.core.config.ProtocolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The charts of a matrix run, drawn from a small synthetic JSON file as a run writes it. */
class MatrixChartsTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path directory;

    /** A report of {@code entries}, each with made-up figures; {@code failedIndex} marks one as failed. */
    private Path report(String name, List<MatrixEntry> entries, int failedIndex) throws Exception {
        List<MatrixResult> results = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            MatrixEntry e = entries.get(i);
            BenchResult r = new BenchResult(e.cluster().label(), e.config(), 5, 1000L * (i + 1), 200.0 * (i + 1),
                    2, 4, 5, 6, 2.5, 900, 800, 12.5, 0, i == failedIndex ? "replica 1 exited" : null);
            results.add(MatrixResult.of(i + 1, e, e.batching().apply(ProtocolSettings.DEFAULTS), r));
        }
        MatrixReport report = new MatrixReport("seed", "", entries.size(), "Linux amd64", 2, "25", 4, 60, 10, 20,
                List.of(), List.of(), "tls", ProtocolSettings.DEFAULTS, results, false, null);
        Path json = directory.resolve(name);
        new ObjectMapper().writeValue(json.toFile(), report);
        return json;
    }

    private static void assertPng(Path file) throws Exception {
        assertThat(file).exists();
        byte[] bytes = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(bytes, PNG_SIGNATURE.length)).isEqualTo(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).as("%s decodes", file).isNotNull();
        assertThat(image.getWidth()).isEqualTo(MatrixCharts.WIDTH);
        assertThat(image.getHeight()).isEqualTo(MatrixCharts.HEIGHT);
    }

    @Test
    void aRunOfBothFiguresGetsThreeValidPngsBesideItsJson() throws Exception {
        List<MatrixEntry> entries = MatrixFilter.parse("request-bytes=256|4096|128,clients=1|50,clients-kind=static")
                .select(Matrix.SEED);
        Path json = report("seed.json", entries, 1);

        List<Path> charts = MatrixCharts.writeBeside(json);

        assertThat(charts).extracting(p -> p.getFileName().toString())
                .containsExactly("seed-table1-clients.png", "seed-table1-sizes.png", "seed-figure5.png");
        assertThat(charts).allMatch(p -> p.getParent().equals(directory.toAbsolutePath()));
        for (Path chart : charts) {
            assertPng(chart);
        }
    }

    @Test
    void onlyTheChartsOfTheFiguresMeasuredAreDrawn() throws Exception {
        Path json = report("sql.json", MatrixFilter.parse("figure=figure5").select(Matrix.SEED), -1);

        assertThat(MatrixCharts.writeBeside(json)).extracting(p -> p.getFileName().toString())
                .containsExactly("sql-figure5.png");
        assertThat(directory.resolve("sql-table1-clients.png")).doesNotExist();
    }

    @Test
    void aFileThatIsNotAMatrixRunIsRefused() throws Exception {
        Path other = directory.resolve("other.json");
        Files.writeString(other, "{\"workloads\": [\"null\"]}");
        assertThatThrownBy(() -> MatrixCharts.writeBeside(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no \"results\" list");
    }
}
