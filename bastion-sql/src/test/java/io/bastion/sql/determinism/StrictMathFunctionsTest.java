package io.bastion.sql.determinism;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.bastion.sql.determinism.DeterministicFunctionsTest.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transcendental math functions compute with {@link StrictMath}, and agree with SQLite's
 * libm-based built-ins on which arguments give NULL and, within two ulps, on values.
 */
class StrictMathFunctionsTest {
    static final double ULPS_MAX = 2;
    static final List<String> UNARY = List.of("exp", "ln", "log", "log10", "log2", "acos", "asin", "atan", "cos", "sin", "tan",
            "cosh", "sinh", "tanh", "acosh", "asinh", "atanh");
    static final List<String> BINARY = List.of("pow", "power", "atan2", "log");
    static final List<String> ARGUMENTS = List.of("0", "1", "-1", "0.5", "-0.5", "2", "8", "10", "100", "3.75", "-2.5",
            "1e-300", "1e300", "710", "-745", "1e999", "-1e999", "9223372036854775807", "'1.5'", "' 2 '", "'1e3'", "'.5'",
            "'5.'", "'abc'", "'1.5x'", "''", "x'31'", "NULL", "0.9999999", "1.0000001", "3.141592653589793");

    private Connection overridden;
    private DeterministicFunctions functions;
    private Connection plain;

    @BeforeEach
    void open() throws SQLException {
        overridden = DeterministicFunctionsTest.plainConnection();
        functions = DeterministicFunctions.install(overridden, new BatchClock());
        plain = DeterministicFunctionsTest.plainConnection();
    }

    @AfterEach
    void close() throws SQLException {
        functions.close();
        overridden.close();
        plain.close();
    }

    @Test
    void valuesAreStrictMaths() throws SQLException {
        assertThat(value(overridden, "SELECT exp(1)")).isEqualTo(StrictMath.exp(1));
        assertThat(value(overridden, "SELECT sin(0.7)")).isEqualTo(StrictMath.sin(0.7));
        assertThat(value(overridden, "SELECT pow(1.1, 30)")).isEqualTo(StrictMath.pow(1.1, 30));
        assertThat(value(overridden, "SELECT ln(3)")).isEqualTo(StrictMath.log(3));
        assertThat(DeterministicFunctionsTest.row(overridden, "SELECT log2(1024), log(100), log(2, 8), pow(1, 1e999)"))
                .containsExactly(10.0, 2.0, 3.0, 1.0);
    }

    @Test
    void agreesWithTheBuiltinsOnNullsAndWithinTwoUlps() throws SQLException {
        List<String> disagreements = new ArrayList<>();
        for (String function : UNARY) {
            for (String argument : ARGUMENTS) {
                compare(function + "(" + argument + ")", disagreements);
            }
        }
        for (String function : BINARY) {
            for (String x : ARGUMENTS) {
                for (String y : List.of("2", "0.5", "-3", "'3'", "1e999", "NULL", "'x'", "10")) {
                    compare(function + "(" + x + ", " + y + ")", disagreements);
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private void compare(String call, List<String> disagreements) throws SQLException {
        Object ours = value(overridden, "SELECT " + call);
        Object builtin = value(plain, "SELECT " + call);
        if (ours == null || builtin == null) {
            if (ours != builtin) {
                disagreements.add(call + ": " + ours + " vs built-in " + builtin);
            }
            return;
        }
        double a = (Double) ours;
        double b = (Double) builtin;
        boolean close = a == b || Math.abs(a - b) <= ULPS_MAX * Math.ulp(Math.max(Math.abs(a), Math.abs(b)));
        if (!close) {
            disagreements.add(call + ": " + a + " vs built-in " + b);
        }
    }
}
