package io.bastion.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bastion} command: one entry point for every tool of the project. */
@Command(name = "bastion", mixinStandardHelpOptions = true, version = "bastion 0.1.0",
        description = "Byzantine-fault-tolerant replication you can use.",
        subcommands = {SimCommand.class, CommandLine.HelpCommand.class})
public final class Bastion implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new Bastion());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
