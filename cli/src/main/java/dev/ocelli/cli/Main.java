package dev.ocelli.cli;

import dev.ocelli.core.OcelliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ocelli} command line. Each subcommand is one class extending {@link OcelliCommand};
 * adding one (features, encode, bench, demo) means writing that class and listing it below.
 *
 * <p>Exit codes: 0 success, 1 internal error (a bug: please report it), 2 bad input (usage error,
 * missing file, malformed checkpoint). Every error is one line on stderr, {@code ocelli: <message>};
 * {@code --verbose} or {@code OCELLI_DEBUG=1} adds the stack trace.
 */
@Command(name = "ocelli",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Pure-Java vision encoders and encoder fusion for multimodal LLMs.",
        subcommands = {
            InfoCommand.class,
            InspectCommand.class,
            FeaturesCommand.class,
            EncodeCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // `ocelli` alone: show what it can do rather than fail.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        TerminalProgress.processStreams = true; // progress bars may go to this process's terminal
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(commandLine(out, err), args));
    }

    /**
     * {@code cl.execute(args)}, plus what picocli leaves alone: it rethrows {@link Error}s
     * (OutOfMemoryError, StackOverflowError, ...), which would otherwise end the JVM with a stack
     * trace. They get the same one-line treatment, exit status 1.
     */
    public static int execute(CommandLine cl, String... args) {
        PrintWriter err = cl.getErr();
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("ocelli: out of memory (" + oneLine(e.getMessage())
                    + "); give the JVM more, e.g. OCELLI_JAVA_OPTS=-Xmx16g");
            return EXIT_INTERNAL;
        } catch (Error e) {
            err.println("ocelli: internal error: " + oneLine(describe(e)));
            if ("1".equals(System.getenv("OCELLI_DEBUG")) || List.of(args).contains("--verbose")) {
                e.printStackTrace(err);
            }
            return EXIT_INTERNAL;
        } finally {
            cl.getOut().flush();
            err.flush();
        }
    }

    /** The configured command line writing to {@code out}/{@code err}; tests call this in-process. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return configure(new CommandLine(new Main()), out, err);
    }

    /** Applies writers and error handlers to {@code cl} and (picocli propagates) every subcommand added so far. */
    static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Main::handleExecutionException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        return cl;
    }

    /** Runs {@code args} in-process; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return execute(commandLine(out, err), args);
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = debugWanted(parsed);
        int code;
        String message;
        if (ex instanceof UncheckedIOException u
                && (u.getCause() instanceof NoSuchFileException || u.getCause() instanceof AccessDeniedException)) {
            ex = u.getCause(); // say it plainly rather than "cannot map ...: /path"
        }
        if (ex instanceof OcelliException || ex instanceof CliException) {
            code = EXIT_BAD_INPUT;
            message = ex.getMessage();
        } else if (ex instanceof NoSuchFileException e) {
            code = EXIT_BAD_INPUT;
            message = "no such file or directory: " + e.getFile();
        } else if (ex instanceof AccessDeniedException e) {
            code = EXIT_BAD_INPUT;
            message = "permission denied: " + e.getFile();
        } else if (ex instanceof UncheckedIOException) {
            code = EXIT_BAD_INPUT;
            message = ex.getMessage(); // Ocelli's wrappers say what they were doing and with which file
        } else if (ex instanceof IOException) {
            code = EXIT_BAD_INPUT;
            message = "I/O error: " + describe(ex);
        } else {
            code = EXIT_INTERNAL;
            message = "internal error: " + describe(ex)
                    + (verbose ? "" : " (rerun with --verbose or OCELLI_DEBUG=1 for the stack trace)");
        }
        err.println("ocelli: " + oneLine(message));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("ocelli: " + oneLine(ex.getMessage()) + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return EXIT_BAD_INPUT;
    }

    private static boolean debugWanted(CommandLine.ParseResult parsed) {
        if ("1".equals(System.getenv("OCELLI_DEBUG"))) {
            return true;
        }
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Messages go to a terminal as a single line, whatever the exception put in them. */
    static String oneLine(String s) {
        if (s == null || s.isBlank()) {
            return "(no message)";
        }
        return s.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ocelli " + version()};
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
