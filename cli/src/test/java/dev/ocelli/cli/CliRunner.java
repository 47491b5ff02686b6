package dev.ocelli.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs the CLI in-process and captures what it printed. */
record CliRunner(int exit, String out, String err) {

    static CliRunner run(String... args) {
        return run(cl -> { }, args);
    }

    static CliRunner run(Consumer<CommandLine> customize, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = Main.commandLine(o, e);
        customize.accept(cl);
        Main.configure(cl, o, e); // again, so subcommands added by the test get the writers too
        int code = Main.execute(cl, args);
        o.flush();
        e.flush();
        return new CliRunner(code, out.toString(), err.toString());
    }

    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\\R");
    }
}
