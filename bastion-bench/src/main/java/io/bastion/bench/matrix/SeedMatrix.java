package io.bastion.bench.matrix;

import io.bastion.bench.LoadBenchmark.ClientsKind;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --matrix seed}: the configurations of the 2011 study's evaluation of PBFT that have a
 * meaning in Bastion, in the order they run.
 *
 * <ul>
 *   <li><b>Table 1</b>, null operations: every {@link ClientAuthentication} × batching on/off ×
 *       static/dynamic clients × requests of 256, 1,024, 2,048 and 4,096 bytes (replies of
 *       {@value #TABLE_1_REPLY_BYTES} bytes) × 1, 12 and 50 clients;</li>
 *   <li><b>Figure 5</b>, one single-row SQL insert per request (key, value, timestamp, random
 *       value; {@value #FIGURE_5_REQUEST_BYTES}-byte requests, {@value #FIGURE_5_REPLY_BYTES}-byte
 *       replies, as in {@code bastion bench --workload sql-insert}), batching on, signed: ACID/no-ACID ×
 *       static/dynamic clients × 1, 12 and 50 clients.</li>
 * </ul>
 *
 * Clients vary fastest, then the request size and the clients kind, so each cluster's entries are
 * contiguous and one cluster serves them all.
 */
public final class SeedMatrix {
    private SeedMatrix() {}

    /** Closed-loop clients of every configuration. */
    public static final List<Integer> CLIENT_COUNTS = List.of(1, 12, 50);
    /** Table 1's request sizes. */
    public static final List<Integer> TABLE_1_REQUEST_BYTES = List.of(256, 1024, 2048, 4096);
    /** Table 1's reply size: null operations answer nothing. */
    public static final int TABLE_1_REPLY_BYTES = 0;
    /** Figure 5's request: a 4-byte reply size and the inserted row's value. */
    public static final int FIGURE_5_REQUEST_BYTES = 128;
    public static final int FIGURE_5_REPLY_BYTES = 16;
    /** Figure 5's services, ACID first as in the study. */
    public static final List<MatrixService> FIGURE_5_SERVICES =
            List.of(MatrixService.SQL_INSERT_ACID, MatrixService.SQL_INSERT_NO_ACID);
    /** Figure 5's client authentication. */
    public static final ClientAuthentication FIGURE_5_AUTHENTICATION = ClientAuthentication.SIGNED;

    /** Every configuration, in the order they run. */
    public static List<MatrixEntry> entries() {
        List<MatrixEntry> entries = new ArrayList<>();
        for (ClientAuthentication authentication : ClientAuthentication.values()) {
            for (Batching batching : Batching.values()) {
                for (ClientsKind kind : ClientsKind.values()) {
                    for (int requestBytes : TABLE_1_REQUEST_BYTES) {
                        for (int clients : CLIENT_COUNTS) {
                            entries.add(new MatrixEntry(Figure.TABLE_1, authentication, batching, MatrixService.NULL,
                                    kind, requestBytes, TABLE_1_REPLY_BYTES, clients));
                        }
                    }
                }
            }
        }
        for (MatrixService service : FIGURE_5_SERVICES) {
            for (ClientsKind kind : ClientsKind.values()) {
                for (int clients : CLIENT_COUNTS) {
                    entries.add(new MatrixEntry(Figure.FIGURE_5, FIGURE_5_AUTHENTICATION, Batching.ON, service, kind,
                            FIGURE_5_REQUEST_BYTES, FIGURE_5_REPLY_BYTES, clients));
                }
            }
        }
        return List.copyOf(entries);
    }
}
