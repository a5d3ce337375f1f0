package io.bastion.server.observe;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it refuses what a
 * lenient scraper would let through (a sample before its TYPE, a family split in two, a HELP or
 * TYPE twice, bad escapes, a duplicate series, a histogram whose buckets are not cumulative or
 * disagree with its count, no final line feed).
 */
final class ExpositionParser {
    record Sample(String name, Map<String, String> labels, double value) {}

    record Family(String name, String type, String help, List<Sample> samples) {}

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{.*})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Map<String, String> helps = new LinkedHashMap<>();
    private final Set<String> series = new HashSet<>();
    private String current;

    private ExpositionParser() {}

    /** The families of {@code text} in order; throws {@link AssertionError} on any violation. */
    static Map<String, Family> parse(String text) {
        check(text.isEmpty() || text.endsWith("\n"), "the text must end with a line feed");
        ExpositionParser parser = new ExpositionParser();
        String[] lines = text.isEmpty() ? new String[0] : text.substring(0, text.length() - 1).split("\n", -1);
        int number = 0;
        for (String line : lines) {
            number++;
            try {
                parser.line(line);
            } catch (AssertionError e) {
                throw new AssertionError("line " + number + " \"" + line + "\": " + e.getMessage(), e);
            }
        }
        parser.families.values().forEach(ExpositionParser::checkHistogram);
        return parser.families;
    }

    private void line(String line) {
        Matcher m;
        if ((m = HELP.matcher(line)).matches()) {
            check(!helps.containsKey(m.group(1)), "HELP twice");
            helps.put(m.group(1), unescape(m.group(2), false));
        } else if ((m = TYPE.matcher(line)).matches()) {
            check(!families.containsKey(m.group(1)), "TYPE twice or after samples");
            families.put(m.group(1), new Family(m.group(1), m.group(2), helps.get(m.group(1)), new ArrayList<>()));
            current = m.group(1);
        } else if (line.startsWith("#")) {
            return; // a comment
        } else if ((m = SAMPLE.matcher(line)).matches()) {
            sample(m.group(1), labels(m.group(2)), value(m.group(3)));
        } else {
            check(line.isBlank(), "not a HELP, TYPE, comment or sample line");
        }
    }

    private void sample(String name, Map<String, String> labels, double value) {
        check(current != null, "a sample before any TYPE");
        Family family = families.get(current);
        check(belongsTo(name, family), "sample " + name + " outside its family (current family " + current + ")");
        check(series.add(name + labels), "duplicate series " + name + labels);
        family.samples().add(new Sample(name, labels, value));
    }

    private static boolean belongsTo(String name, Family family) {
        if (family.type().equals("histogram")) {
            return name.equals(family.name() + "_bucket") || name.equals(family.name() + "_sum")
                    || name.equals(family.name() + "_count");
        }
        return name.equals(family.name());
    }

    private static Map<String, String> labels(String braces) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (braces == null) {
            return labels;
        }
        String inner = braces.substring(1, braces.length() - 1);
        Matcher m = LABEL.matcher(inner);
        int at = 0;
        while (at < inner.length()) {
            check(m.find(at) && m.start() == at, "bad label at " + inner.substring(at));
            check(labels.put(m.group(1), unescape(m.group(2), true)) == null, "label twice: " + m.group(1));
            at = m.end();
            if (at < inner.length()) {
                check(inner.charAt(at) == ',', "labels are separated by commas");
                at++;
            }
        }
        return labels;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                check(text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?"), "not a float: " + text);
                yield Double.parseDouble(text);
            }
        };
    }

    private static String unescape(String text, boolean labelValue) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                check(c != '\n', "raw line feed");
                out.append(c);
                continue;
            }
            check(i + 1 < text.length(), "a trailing backslash");
            char next = text.charAt(++i);
            switch (next) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case '"' -> {
                    check(labelValue, "\\\" is an escape only in label values");
                    out.append('"');
                }
                default -> throw new AssertionError("bad escape \\" + next);
            }
        }
        return out.toString();
    }

    private static void checkHistogram(Family family) {
        if (!family.type().equals("histogram")) {
            return;
        }
        double previousBound = Double.NEGATIVE_INFINITY;
        double previousCount = 0;
        Double infinity = null;
        Double count = null;
        for (Sample s : family.samples()) {
            if (s.name().endsWith("_bucket")) {
                double bound = value(s.labels().get("le"));
                check(bound > previousBound, family.name() + ": bucket bounds must increase");
                check(s.value() >= previousCount, family.name() + ": buckets must be cumulative");
                previousBound = bound;
                previousCount = s.value();
                if (bound == Double.POSITIVE_INFINITY) {
                    infinity = s.value();
                }
            } else if (s.name().endsWith("_count")) {
                count = s.value();
            }
        }
        check(infinity != null, family.name() + ": no +Inf bucket");
        check(infinity.equals(count), family.name() + ": +Inf bucket differs from _count");
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
