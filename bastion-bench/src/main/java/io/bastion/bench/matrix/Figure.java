package io.bastion.bench.matrix;

/** Which of the study's tables or figures a matrix entry reproduces ({@code figure=...} in filters). */
public enum Figure {
    /** Null operations: authentication, batching, clients, request size. */
    TABLE_1("table1", "Table 1"),
    /** Single-row SQL inserts, ACID against no-ACID. */
    FIGURE_5("figure5", "Figure 5");

    private final String flag;
    private final String title;

    Figure(String flag, String title) {
        this.flag = flag;
        this.title = title;
    }

    public String flag() {
        return flag;
    }

    /** As the study names it. */
    public String title() {
        return title;
    }
}
