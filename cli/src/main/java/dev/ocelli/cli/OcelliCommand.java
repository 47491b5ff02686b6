package dev.ocelli.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Base of every subcommand: output goes through picocli's writers (so tests capture it), the
 * return value is the exit code, and errors are thrown, never printed: {@link Main} turns them
 * into one line and an exit status.
 */
public abstract class OcelliCommand implements Callable<Integer> {

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", description = "Print stack traces for errors (also: OCELLI_DEBUG=1).")
    protected boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    protected boolean help;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
