package io.bastion.bench.matrix;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The named sets of configurations {@code bastion bench --matrix NAME} runs. */
public enum Matrix {
    /** The 2011 study's evaluation of PBFT: its Table 1 and Figure 5 ({@link SeedMatrix}). */
    SEED(SeedMatrix::entries);

    private final Supplier<List<MatrixEntry>> entries;

    Matrix(Supplier<List<MatrixEntry>> entries) {
        this.entries = entries;
    }

    /** As spelled on the command line. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every configuration, in the order they run. */
    public List<MatrixEntry> entries() {
        return entries.get();
    }

    /** The matrix called {@code name}; refuses other names, listing the known ones. */
    public static Matrix parse(String name) {
        for (Matrix m : values()) {
            if (m.flag().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--matrix " + name + ": choose "
                + Arrays.stream(values()).map(Matrix::flag).collect(Collectors.joining(", ")));
    }
}
