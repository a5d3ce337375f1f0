package io.bastion.bench.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Draws the charts of a matrix run from its JSON file ({@link MatrixReport}), as PNG files beside
 * it (XChart), so they can be redrawn without measuring again:
 * <ul>
 *   <li>{@code <name>-table1-clients.png}: Table 1's throughput, a group of bars per
 *       configuration, one bar per client count;</li>
 *   <li>{@code <name>-table1-sizes.png}: Table 1's throughput against the request size, a line per
 *       configuration and client count;</li>
 *   <li>{@code <name>-figure5.png}: Figure 5's inserts per second, ACID and no-ACID with static and
 *       dynamic clients, a bar per client count.</li>
 * </ul>
 * A chart with nothing to show (a filtered run without that figure) is not written. Configurations
 * whose cluster failed are left out.
 */
public final class MatrixCharts {
    private MatrixCharts() {}

    static final int WIDTH = 1100;
    static final int HEIGHT = 700;

    /** A measured configuration, as the charts read it from the JSON. */
    private record Point(Map<String, String> parameters, double requestsPerSecond) {
        String get(String key) {
            return parameters.getOrDefault(key, "");
        }

        int clients() {
            return Integer.parseInt(get("clients"));
        }
    }

    /** Reads {@code json} (a {@link MatrixReport}) and writes its charts beside it; returns the files written. */
    public static List<Path> writeBeside(Path json) throws IOException {
        String name = json.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        Path parent = json.toAbsolutePath().getParent();
        return write(new ObjectMapper().readTree(json.toFile()), parent, stem);
    }

    /** Writes the charts of {@code report} into {@code directory} as {@code <stem>-….png}; returns the files written. */
    public static List<Path> write(JsonNode report, Path directory, String stem) throws IOException {
        System.setProperty("java.awt.headless", "true");
        JsonNode results = report.get("results");
        if (results == null || !results.isArray()) {
            throw new IllegalArgumentException("not the JSON of a matrix run: no \"results\" list");
        }
        List<Point> table1 = new ArrayList<>();
        List<Point> figure5 = new ArrayList<>();
        for (JsonNode r : results) {
            JsonNode result = r.path("result");
            if (!result.path("failure").isMissingNode() && !result.path("failure").isNull()) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            r.path("parameters").properties().forEach(p -> parameters.put(p.getKey(), p.getValue().asText()));
            Point point = new Point(parameters, result.path("requestsPerSecond").asDouble());
            switch (point.get("figure")) {
                case "table1" -> table1.add(point);
                case "figure5" -> figure5.add(point);
                default -> { } // a figure these charts do not draw
            }
        }
        List<Path> written = new ArrayList<>();
        if (!table1.isEmpty()) {
            written.add(save(table1ByClients(table1), directory.resolve(stem + "-table1-clients.png")));
            written.add(save(table1BySize(table1), directory.resolve(stem + "-table1-sizes.png")));
        }
        if (!figure5.isEmpty()) {
            written.add(save(figure5(figure5), directory.resolve(stem + "-figure5.png")));
        }
        return written;
    }

    private static String table1Configuration(Point p) {
        return p.get("authentication") + ", batching " + p.get("batching") + ", " + p.get("clients-kind") + ", "
                + p.get("request-bytes") + " B";
    }

    private static String figure5Configuration(Point p) {
        return p.get("sql-mode") + ", " + p.get("clients-kind") + " clients";
    }

    private static String clientsLabel(int clients) {
        return clients + (clients == 1 ? " client" : " clients");
    }

    private static CategoryChart table1ByClients(List<Point> points) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Table 1: null operations, throughput per configuration")
                .xAxisTitle("client authentication, batching, clients, request size (replies "
                        + points.get(0).get("reply-bytes") + " B)")
                .yAxisTitle("requests per second").build();
        chart.getStyler().setXAxisLabelRotation(90); // 16 long labels: upright ones sit under their bars
        bars(chart, points, MatrixCharts::table1Configuration);
        return chart;
    }

    private static CategoryChart figure5(List<Point> points) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Figure 5: single-row SQL inserts, ACID and no-ACID")
                .xAxisTitle("SQL mode, clients (requests " + points.get(0).get("request-bytes") + " B, replies "
                        + points.get(0).get("reply-bytes") + " B)")
                .yAxisTitle("inserts per second").build();
        bars(chart, points, MatrixCharts::figure5Configuration);
        return chart;
    }

    /** A group of bars per configuration (in the order measured), a series per client count; 0 where not measured. */
    private static void bars(CategoryChart chart, List<Point> points, java.util.function.Function<Point, String> group) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE); // bars fill the plot
        chart.getStyler().setYAxisMin(0.0);
        List<String> groups = points.stream().map(group).distinct().toList();
        TreeSet<Integer> clientCounts = new TreeSet<>();
        points.forEach(p -> clientCounts.add(p.clients()));
        for (int clients : clientCounts) {
            List<Double> throughput = new ArrayList<>();
            for (String g : groups) {
                throughput.add(points.stream().filter(p -> p.clients() == clients && group.apply(p).equals(g))
                        .mapToDouble(Point::requestsPerSecond).findFirst().orElse(0));
            }
            chart.addSeries(clientsLabel(clients), groups, throughput);
        }
    }

    private static XYChart table1BySize(List<Point> points) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Table 1: null operations, throughput against request size")
                .xAxisTitle("request bytes (replies " + points.get(0).get("reply-bytes") + " B)")
                .yAxisTitle("requests per second").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setMarkerSize(7);
        Map<String, TreeMap<Integer, Double>> lines = new LinkedHashMap<>();
        for (Point p : points) {
            String line = p.get("authentication") + ", batching " + p.get("batching") + ", " + p.get("clients-kind")
                    + ", " + clientsLabel(p.clients());
            lines.computeIfAbsent(line, l -> new TreeMap<>())
                    .put(Integer.parseInt(p.get("request-bytes")), p.requestsPerSecond());
        }
        lines.forEach((line, bySize) -> chart.addSeries(line, new ArrayList<>(bySize.keySet()),
                new ArrayList<>(bySize.values())));
        return chart;
    }

    private static Path save(Chart<?, ?> chart, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }

    /** {@code MatrixCharts <results.json>}: redraws the charts of a matrix run beside its JSON file. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: MatrixCharts <results.json>");
            System.exit(2);
        }
        for (Path chart : writeBeside(Path.of(args[0]))) {
            System.out.println("chart written to " + chart);
        }
    }
}
