package io.bastion.bench.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bastion.bench.BenchConfig;
import io.bastion.bench.BenchResult;
import io.bastion.bench.LoadBenchmark;
import io.bastion.core.config.ProtocolSettings;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL insert throughput as the database grows: for each size, a fresh local cluster (four replica
 * JVMs, ACID mode) whose replicas all start from the same {@link PreloadedDatabase} of that size,
 * loaded by closed-loop clients inserting one row per request. Writes every size's result to a JSON
 * file as soon as it is measured; {@link DatabaseSizeChart} draws it. Not a test: run it on a quiet
 * machine.
 *
 * <pre>
 * java -cp bastion-cli/target/bastion.jar io.bastion.bench.sql.DatabaseSizeBenchmark \
 *     --sizes-mb 0,250,500,1000 --clients 10 --seconds 30 --warmup 15 --out docs/results/sql-size.json
 * </pre>
 *
 * Options: {@code --dir} (run directory, default a temporary one; each size's is deleted after it
 * ran), {@code --base-port} (7700), {@code --checkpoint-interval} (the protocol default),
 * {@code --request-bytes} and {@code --reply-bytes} (200 and 8), {@code --replica-jvm} (as
 * {@code bastion bench}), {@code --main-class} (the replica's, {@code io.bastion.cli.Bastion}).
 */
public final class DatabaseSizeBenchmark {
    /** One size's measurement. */
    public record Point(long targetBytes, long preloadedBytes, long preloadedRows, double preloadSeconds,
                        long finalBytes, BenchResult result) {}

    private static final long MIB = 1L << 20;
    private static final int PORTS_PER_CLUSTER = 40;

    private DatabaseSizeBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        List<Long> sizesMib = Arrays.stream(options.getOrDefault("sizes-mb", "0,250,500,1000").split(","))
                .map(String::trim).map(Long::parseLong).toList();
        int clients = Integer.parseInt(options.getOrDefault("clients", "10"));
        Duration measure = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "30")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "15")));
        Path out = Path.of(options.getOrDefault("out", "sql-size.json"));
        Path dir = options.containsKey("dir") ? Path.of(options.get("dir")) : Files.createTempDirectory("bastion-sql-size");
        int basePort = Integer.parseInt(options.getOrDefault("base-port", "7700"));
        BenchConfig config = new BenchConfig(clients, Integer.parseInt(options.getOrDefault("request-bytes", "200")),
                Integer.parseInt(options.getOrDefault("reply-bytes", "8")));
        List<String> jvm = List.of(options.getOrDefault("replica-jvm", "-Xms512m -Xmx512m -XX:+UseSerialGC").split(" "));
        ProtocolSettings settings = ProtocolSettings.DEFAULTS;
        if (options.containsKey("checkpoint-interval")) {
            int k = Integer.parseInt(options.get("checkpoint-interval"));
            settings = settings.withCheckpointInterval(k, 2 * k);
        }
        String mainClass = options.getOrDefault("main-class", "io.bastion.cli.Bastion");
        LoadBenchmark.Workload workload = new LoadBenchmark.Workload("sql-insert acid", "sql-insert",
                List.of("--sql-mode=acid"));

        System.out.printf("database sizes %s MiB, %d clients, %d s each after %d s of warm-up, checkpoint every %d "
                + "batches; run directory %s%n", sizesMib, clients, measure.toSeconds(), warmup.toSeconds(),
                settings.checkpointInterval(), dir);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < sizesMib.size(); i++) {
            Path run = Files.createDirectories(dir.resolve("size-" + sizesMib.get(i) + "mib"));
            long started = System.nanoTime();
            PreloadedDatabase.Made made = PreloadedDatabase.make(run.resolve("template"), sizesMib.get(i) * MIB);
            for (int id = 0; id < 4; id++) {
                Path sql = Files.createDirectories(run.resolve("data-" + id).resolve("sql"));
                Files.copy(made.file(), sql.resolve(made.file().getFileName()));
            }
            deleteTree(run.resolve("template"));
            double preloadSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("preloaded %d rows, %d MiB, in %.1f s (copied to 4 replicas)%n", made.rows(),
                    made.bytes() / MIB, preloadSeconds);
            LoadBenchmark.Options run0 = new LoadBenchmark.Options(workload, 4, warmup, warmup, measure, jvm, List.of(),
                    mainClass, basePort + PORTS_PER_CLUSTER * i, settings);
            BenchResult result;
            try (LoadBenchmark bench = new LoadBenchmark(run, clients, run0)) {
                result = bench.run(config, System.out);
            }
            long finalBytes = Files.size(run.resolve("data-0").resolve("sql").resolve(made.file().getFileName()));
            points.add(new Point(sizesMib.get(i) * MIB, made.bytes(), made.rows(), preloadSeconds, finalBytes, result));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), points);
            deleteTree(run);
            if (result.failed()) {
                System.err.println("the cluster failed at " + sizesMib.get(i) + " MiB:\n" + result.failure());
                System.exit(1);
            }
        }
        System.out.println("results written to " + out);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                options.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException(arg + " needs a value");
            }
        }
        return options;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
