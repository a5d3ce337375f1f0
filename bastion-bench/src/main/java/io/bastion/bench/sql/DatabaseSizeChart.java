package io.bastion.bench.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the results of {@link DatabaseSizeBenchmark}: insert throughput against the database's
 * size at the start of the run, as a PNG (XChart).
 *
 * <pre>
 * java -cp bastion-cli/target/bastion.jar io.bastion.bench.sql.DatabaseSizeChart \
 *     docs/results/sql-size.json docs/results/sql-size.png [more.json label …]
 * </pre>
 *
 * With more than one JSON file (say, measured before and after a change), each is a series,
 * labelled by the words that follow it ({@code file.json=label}).
 */
public final class DatabaseSizeChart {
    private DatabaseSizeChart() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DatabaseSizeChart <results.json>[=label] [<more.json>=label …] <chart.png>");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title("SQL inserts vs. database size")
                .xAxisTitle("database size at start (MiB)").yAxisTitle("requests per second").build();
        chart.getStyler().setYAxisMin(0.0).setXAxisMin(0.0).setMarkerSize(8);
        for (int i = 0; i < args.length - 1; i++) {
            String[] source = args[i].split("=", 2);
            List<Double> sizes = new ArrayList<>();
            List<Double> throughput = new ArrayList<>();
            String clients = "";
            for (JsonNode point : new ObjectMapper().readTree(Path.of(source[0]).toFile())) {
                sizes.add(point.get("preloadedBytes").asDouble() / (1 << 20));
                throughput.add(point.get("result").get("requestsPerSecond").asDouble());
                clients = point.get("result").get("config").get("clients").asText();
            }
            String label = source.length > 1 ? source[1] : "sql-insert acid, " + clients + " clients";
            chart.addSeries(label, sizes, throughput);
        }
        String png = args[args.length - 1];
        BitmapEncoder.saveBitmap(chart, png.endsWith(".png") ? png.substring(0, png.length() - 4) : png,
                BitmapEncoder.BitmapFormat.PNG);
        System.out.println("chart written to " + png);
    }
}
