package io.bastion.server.observe;

import io.bastion.core.util.Check;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules of the Prometheus text exposition format 0.0.4 that {@link Metrics} writes by: valid
 * metric and label names, the escaping of HELP text and label values, and exact decimal seconds.
 * Stateless and thread-safe.
 */
final class PrometheusText {
    /** The prefix every Bastion metric name starts with. */
    static final String PREFIX = "bastion_";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final int NANOS_DIGITS = 9;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private PrometheusText() {}

    static void checkMetricName(String name) {
        Check.argument(name != null && METRIC_NAME.matcher(name).matches(), "not a metric name: " + name);
        Check.argument(name.startsWith(PREFIX), "a Bastion metric name starts with " + PREFIX + ": " + name);
    }

    static void checkLabelName(String name) {
        Check.argument(name != null && LABEL_NAME.matcher(name).matches(), "not a label name: " + name);
        Check.argument(!name.startsWith("__"), "label names starting with __ are reserved: " + name);
    }

    /** Writes the {@code # HELP} and {@code # TYPE} lines of a family. */
    static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ');
        escape(out, help, false);
        out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** Writes one sample line: {@code name{labels} value}. */
    static void sample(StringBuilder out, String name, Map<String, String> labels, String value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> label : labels.entrySet()) {
                out.append(first ? "" : ",").append(label.getKey()).append("=\"");
                escape(out, label.getValue(), true);
                out.append('"');
                first = false;
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    /**
     * Escapes {@code text}: backslash and line feed always, the double quote in label values
     * (HELP text leaves it as it is, as the format says).
     */
    static void escape(StringBuilder out, String text, boolean labelValue) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(labelValue ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    /** {@code nanos} as exact decimal seconds without trailing zeros: 500000 → {@code 0.0005}. */
    static String seconds(long nanos) {
        Check.argument(nanos >= 0, "a duration is not negative: " + nanos);
        long whole = nanos / NANOS_PER_SECOND;
        long fraction = nanos % NANOS_PER_SECOND;
        if (fraction == 0) {
            return Long.toString(whole);
        }
        String digits = String.format("%0" + NANOS_DIGITS + "d", fraction);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }
}
