package io.bastion.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bastion} command: one entry point for every tool of the project. */
@Command(name = "bastion", mixinStandardHelpOptions = true, version = "bastion 0.1.0",
        description = "Byzantine-fault-tolerant replication you can use.",
        subcommands = {DemoCommand.class, KeygenCommand.class, ReplicaCommand.class, ClientCommand.class, ThresholdCommand.class,
                StatusCommand.class, BenchCommand.class, ThresholdBenchCommand.class, WanCommand.class, SimCommand.class,
                TraceCommand.class, EnrollmentKeyCommand.class, EvotingCommand.class, CommandLine.HelpCommand.class})
public final class Bastion implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Bastion());
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // bad input (a broken cluster or key file, a wrong flag value) is a message, not a stack trace
            commandLine.getErr().println("bastion " + commandLine.getCommandName() + ": " + message(e));
            return 1;
        });
        return line;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
