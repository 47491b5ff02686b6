package dev.ocelli.cli;

import dev.ocelli.fusion.pipeline.ProgressListener;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bars of {@code encode} and {@code demo}: one bar for building the weights
 * ({@code load}), one for the run ({@code encode}, one unit per stage, per tile for LEO), drawn on
 * stderr only when a person is watching it. Everywhere else (pipes, files, CI, tests, in-process
 * use of {@link Main#run}) it is inert and writes nothing.
 *
 * <p>"Watching" means: the process was started through {@link Main#main}, {@code System.console()}
 * is a terminal (stdin and stdout are), and stderr is a terminal. The {@code ./ocelli} launcher
 * pipes the JVM's stderr through a filter (to drop the incubator notice), so it tells the JVM
 * which terminal its own stderr is in {@code -Docelli.stderr.tty=/dev/pts/N}; the bar is written
 * there. Run as {@code java -jar}, stderr is checked with {@code isatty(2)}.
 */
final class TerminalProgress implements ProgressListener, AutoCloseable {

    /** Set by {@link Main#main}: the command writes to the process's own stdout/stderr. */
    static volatile boolean processStreams;

    private final PrintStream stream; // null: inert
    private final boolean ownsStream;
    private ProgressBar bar;
    private Line line;
    private String phase;

    TerminalProgress(PrintStream stream, boolean ownsStream) {
        this.stream = stream;
        this.ownsStream = ownsStream;
    }

    /** Bars on the terminal when someone is watching stderr, otherwise an inert listener. */
    static TerminalProgress open() {
        if (!processStreams) {
            return new TerminalProgress(null, false);
        }
        var console = System.console();
        if (console == null || !console.isTerminal()) {
            return new TerminalProgress(null, false);
        }
        String tty = System.getProperty("ocelli.stderr.tty");
        if (tty != null && tty.startsWith("/dev/")) {
            try {
                return new TerminalProgress(new PrintStream(new FileOutputStream(tty), true, StandardCharsets.UTF_8), true);
            } catch (IOException | SecurityException e) {
                return new TerminalProgress(null, false);
            }
        }
        return new TerminalProgress(stderrIsTerminal() ? System.err : null, false);
    }

    /** {@code isatty(2)} through the FFM API; false when it cannot be asked (no native access). */
    @SuppressWarnings("restricted") // a libc call with a fixed signature; the launcher grants native access
    static boolean stderrIsTerminal() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.downcallHandle(linker.defaultLookup().find("isatty").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) isatty.invokeExact(2) == 1;
        } catch (Throwable t) {
            return false;
        }
    }

    boolean active() {
        return stream != null;
    }

    @Override
    public synchronized void update(String phase, String step, long done, long total) {
        if (stream == null) {
            return;
        }
        if (bar == null || !phase.equals(this.phase)) {
            finishBar();
            this.phase = phase;
            line = new Line(stream, width());
            bar = new ProgressBarBuilder()
                    .setTaskName(phase.equals("load") ? "weights" : phase)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .hideEta()
                    .setConsumer(line)
                    .build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage(step);
        if (done >= total) {
            finishBar();
        }
    }

    /** Ends the current bar (its last state stays on screen, then a newline). */
    private void finishBar() {
        if (bar != null) {
            bar.close();
            // progressbar 0.10.1 skips the consumer's close when the bar ends before its first
            // scheduled refresh (a fast phase), which would leave the line unterminated
            line.close();
            bar = null;
        }
    }

    /** One bar redrawn in place with {@code \r}; ended by one newline. */
    private static final class Line implements ProgressBarConsumer {
        private final PrintStream out;
        private final int width;
        private boolean closed;

        Line(PrintStream out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public synchronized void accept(String rendered) {
            if (!closed) {
                out.print('\r' + (rendered.length() > width ? rendered.substring(0, width) : rendered));
                out.flush();
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                out.println();
                out.flush();
            }
        }
    }

    /** Fits the terminal when the shell exported {@code COLUMNS}; 80 otherwise (no terminal probing). */
    private static int width() {
        try {
            int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").strip());
            return Math.max(40, Math.min(c - 1, 120));
        } catch (NumberFormatException e) {
            return 79;
        }
    }

    @Override
    public synchronized void close() {
        finishBar();
        if (stream != null) {
            stream.flush();
            if (ownsStream) {
                stream.close();
            }
        }
    }
}
