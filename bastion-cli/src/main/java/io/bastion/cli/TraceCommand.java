package io.bastion.cli;

import io.bastion.server.observe.TraceFilter;
import io.bastion.server.observe.TraceMerge;
import io.bastion.server.observe.TraceTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bastion trace}: merge the message traces of a local cluster's replicas into one timeline. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Merges the message traces (replica --trace) of a local cluster into one timeline, sorted by",
                "time: the replicas share the host's clock. Prints an aligned table, time in ms since the first",
                "event shown, or with --json the merged JSON lines. Malformed lines are reported and skipped."})
final class TraceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "Trace files, or directories whose *.jsonl files are traces.")
    List<Path> paths;

    @Option(names = "--type", split = ",", paramLabel = "TYPE",
            description = "Only these message types, e.g. PRE_PREPARE,COMMIT (case and - or _ do not matter).")
    List<String> types;

    @Option(names = "--seq", paramLabel = "FROM..TO",
            description = "Only sequence numbers in this range: N, FROM..TO (inclusive), FROM.. or ..TO.")
    String seq;

    @Option(names = "--view", paramLabel = "VIEW", description = "Only messages of this view.")
    Long view;

    @Option(names = "--replica", split = ",", paramLabel = "ID",
            description = "Only what these replicas recorded, e.g. 0,2.")
    List<Integer> replicas;

    @Option(names = "--json", description = "Print the merged events as JSON lines instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TraceFilter filter = filter();
        List<Path> files = TraceMerge.files(paths);
        TraceMerge.Timeline timeline = TraceMerge.merge(files, filter, problem -> err.println("skipped " + problem));
        if (json) {
            timeline.events().forEach(e -> out.println(e.toJson()));
        } else {
            TraceTable.format(timeline.events()).forEach(out::println);
        }
        if (timeline.malformedLines() > 0) {
            err.printf("bastion trace: %d malformed line(s) skipped in %d file(s)%n", timeline.malformedLines(), files.size());
        }
        out.flush();
        err.flush();
        return 0;
    }

    private TraceFilter filter() {
        TraceFilter filter = TraceFilter.ALL;
        if (types != null) {
            filter = filter.withTypes(types);
        }
        if (seq != null) {
            filter = filter.withSeqRange(seq);
        }
        if (view != null) {
            filter = filter.withView(view);
        }
        if (replicas != null) {
            filter = filter.withReplicas(replicas);
        }
        return filter;
    }
}
