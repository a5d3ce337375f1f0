package io.bastion.sql.determinism;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Pattern;

/**
 * Overrides of SQLite's transcendental math functions ({@code exp}, {@code ln}, {@code pow},
 * {@code sin}, …) with {@link StrictMath}, whose results are specified bit for bit.
 *
 * <p>SQLite computes them with the host's C math library. Its results may differ in the last bit
 * between libm versions, between glibc's FMA and non-FMA code paths chosen by CPU, and between
 * operating systems — and replicas deliberately run on different hosts. A value stored from such a
 * function would then differ between replicas. Functions that are exact in IEEE arithmetic
 * ({@code sqrt}, {@code ceil}, {@code floor}, {@code trunc}, {@code mod}, {@code degrees},
 * {@code radians}, {@code pi}, {@code sign}) stay SQLite's.
 *
 * <p>Argument handling follows SQLite's {@code math1Func}, {@code math2Func} and {@code logFunc}:
 * integers and reals are used, text that is entirely a number is read as one, anything else gives
 * NULL, and so does a NaN result. Values agree with SQLite's to within an ulp or two.
 */
final class StrictMathFunctions {
    private static final double LN2 = StrictMath.log(2.0);
    /** Above this, asinh and acosh lose nothing by dropping the +1 / -1 under the square root. */
    private static final double LARGE = 0x1p28;
    /** SQLite's notion of a number in text: optional spaces, sign, digits, fraction, exponent. */
    private static final Pattern NUMERIC_TEXT =
            Pattern.compile("[ \\t\\n\\x0B\\f\\r]*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?[ \\t\\n\\x0B\\f\\r]*");

    private static final Map<String, DoubleUnaryOperator> UNARY = Map.ofEntries(
            Map.entry("exp", StrictMath::exp),
            Map.entry("acos", StrictMath::acos), Map.entry("asin", StrictMath::asin), Map.entry("atan", StrictMath::atan),
            Map.entry("cos", StrictMath::cos), Map.entry("sin", StrictMath::sin), Map.entry("tan", StrictMath::tan),
            Map.entry("cosh", StrictMath::cosh), Map.entry("sinh", StrictMath::sinh), Map.entry("tanh", StrictMath::tanh),
            Map.entry("acosh", StrictMathFunctions::acosh), Map.entry("asinh", StrictMathFunctions::asinh),
            Map.entry("atanh", StrictMathFunctions::atanh));
    private static final Map<String, DoubleBinaryOperator> BINARY = Map.of(
            "pow", StrictMathFunctions::pow, "power", StrictMathFunctions::pow, "atan2", StrictMath::atan2);
    /** Single-argument logarithms: ln is natural, log and log10 are base 10 (as in SQLite). */
    private static final Map<String, DoubleUnaryOperator> LOGARITHMS = Map.of(
            "ln", StrictMath::log, "log", StrictMath::log10, "log10", StrictMath::log10, "log2", StrictMathFunctions::log2);

    private StrictMathFunctions() {}

    static void register(Connection connection) throws SQLException {
        int flags = ScalarFunction.DETERMINISTIC | ScalarFunction.INNOCUOUS;
        for (var unary : UNARY.entrySet()) {
            ScalarFunction.register(connection, unary.getKey(), 1, flags, call -> unary(call, unary.getValue()));
        }
        for (var binary : BINARY.entrySet()) {
            ScalarFunction.register(connection, binary.getKey(), 2, flags, call -> binary(call, binary.getValue()));
        }
        for (var logarithm : LOGARITHMS.entrySet()) {
            ScalarFunction.register(connection, logarithm.getKey(), 1, flags, call -> logarithm(call, logarithm.getValue()));
        }
        ScalarFunction.register(connection, "log", 2, flags, StrictMathFunctions::logBase);
    }

    private static void unary(ScalarFunction call, DoubleUnaryOperator f) throws SQLException {
        Double x = numeric(call, 0);
        if (x == null) {
            call.returnNull();
        } else {
            call.returnDouble(f.applyAsDouble(x));
        }
    }

    private static void binary(ScalarFunction call, DoubleBinaryOperator f) throws SQLException {
        Double x = numeric(call, 0);
        Double y = numeric(call, 1);
        if (x == null || y == null) {
            call.returnNull();
        } else {
            call.returnDouble(f.applyAsDouble(x, y));
        }
    }

    /** SQLite: NULL unless the argument is a number greater than 0. */
    private static void logarithm(ScalarFunction call, DoubleUnaryOperator f) throws SQLException {
        Double x = numeric(call, 0);
        if (x == null || x <= 0.0) {
            call.returnNull();
        } else {
            call.returnDouble(f.applyAsDouble(x));
        }
    }

    /**
     * {@code log(B, X)} as SQLite computes it: NULL unless B is a number whose natural log is
     * positive and X (read as a double, whatever its type) is positive; then ln(X) / ln(B).
     */
    private static void logBase(ScalarFunction call) throws SQLException {
        Double base = numeric(call, 0);
        if (base == null || base <= 0.0) {
            call.returnNull();
            return;
        }
        double lnBase = StrictMath.log(base);
        double x = call.doubleValue(1);
        if (lnBase <= 0.0 || x <= 0.0) {
            call.returnNull();
            return;
        }
        call.returnDouble(StrictMath.log(x) / lnBase);
    }

    /** The argument as SQLite's sqlite3_value_numeric_type would see it, or null if not a number. */
    private static Double numeric(ScalarFunction call, int index) throws SQLException {
        if (call.isInteger(index) || call.isFloat(index)) {
            return call.doubleValue(index);
        }
        if (call.isText(index)) {
            String text = (String) call.value(index);
            return NUMERIC_TEXT.matcher(text).matches() ? Double.parseDouble(text.strip()) : null;
        }
        return null;
    }

    /** C's pow where it differs from Java's: 1^y and (-1)^±∞ are 1. */
    private static double pow(double x, double y) {
        if (x == 1.0 || (x == -1.0 && Double.isInfinite(y))) {
            return 1.0;
        }
        return StrictMath.pow(x, y);
    }

    /** Exact for powers of two, as C's log2 is. */
    private static double log2(double x) {
        if (x > 0 && Double.isFinite(x) && Math.getExponent(x) >= Double.MIN_EXPONENT
                && x == Math.scalb(1.0, Math.getExponent(x))) {
            return Math.getExponent(x);
        }
        return StrictMath.log(x) / LN2;
    }

    /** fdlibm's e_acosh.c, on StrictMath. */
    private static double acosh(double x) {
        if (x < 1.0 || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x >= LARGE) {
            return Double.isInfinite(x) ? x : StrictMath.log(x) + LN2;
        }
        if (x > 2.0) {
            return StrictMath.log(2.0 * x - 1.0 / (x + StrictMath.sqrt(x * x - 1.0)));
        }
        double t = x - 1.0;
        return StrictMath.log1p(t + StrictMath.sqrt(2.0 * t + t * t));
    }

    /** fdlibm's s_asinh.c, on StrictMath. */
    private static double asinh(double x) {
        double a = Math.abs(x);
        if (Double.isNaN(x) || Double.isInfinite(x) || a == 0.0) {
            return x;
        }
        double w;
        if (a >= LARGE) {
            w = StrictMath.log(a) + LN2;
        } else if (a > 2.0) {
            w = StrictMath.log(2.0 * a + 1.0 / (StrictMath.sqrt(x * x + 1.0) + a));
        } else {
            double t = x * x;
            w = StrictMath.log1p(a + t / (1.0 + StrictMath.sqrt(1.0 + t)));
        }
        return Math.copySign(w, x);
    }

    /** fdlibm's e_atanh.c, on StrictMath. */
    private static double atanh(double x) {
        double a = Math.abs(x);
        if (Double.isNaN(x) || a > 1.0) {
            return Double.NaN;
        }
        if (a == 1.0) {
            return Math.copySign(Double.POSITIVE_INFINITY, x);
        }
        double t;
        if (a < 0.5) {
            t = a + a;
            t = 0.5 * StrictMath.log1p(t + t * a / (1.0 - a));
        } else {
            t = 0.5 * StrictMath.log1p((a + a) / (1.0 - a));
        }
        return Math.copySign(t, x);
    }
}
