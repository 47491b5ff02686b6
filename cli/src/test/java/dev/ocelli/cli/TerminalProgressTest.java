package dev.ocelli.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bars: drawn only for a person at a terminal, never into pipes, files or tests. */
class TerminalProgressTest {

    @Test
    void inertWithoutATerminal() {
        // in-process (tests, Main.run): never a bar, whatever the streams are
        try (TerminalProgress p = TerminalProgress.open()) {
            assertThat(p.active()).isFalse();
            p.update("load", "clip", 0, 3); // and nothing to draw on
        }
        // started through main() but without a console (surefire's stdin/stdout are pipes): still none
        TerminalProgress.processStreams = true;
        try (TerminalProgress p = TerminalProgress.open()) {
            assertThat(System.console()).isNull();
            assertThat(p.active()).isFalse();
        } finally {
            TerminalProgress.processStreams = false;
        }
    }

    @Test
    void encodeWithoutATerminalWritesOnlyItsErrorLine() {
        // a run that gets as far as opening the bars and then fails: stderr has the one error line, no bar
        CliRunner r = CliRunner.run("encode", "--pipeline", "mini-gemini", "--pixels", "/nonexistent.safetensors");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().startsWith("ocelli: no such pixels file");
    }

    @Test
    void drawsOneBarPerPhase() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TerminalProgress p = new TerminalProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false)) {
            assertThat(p.active()).isTrue();
            String[] towers = {"clip", "convnext", "fusion"};
            for (int i = 0; i < 3; i++) {
                p.update("load", towers[i], i, 3);
                p.update("load", towers[i], i + 1, 3);
            }
            for (int i = 0; i < 7; i++) {
                p.update("encode", "sam tile " + (i + 1) + "/7", i, 7);
                p.update("encode", "sam tile " + (i + 1) + "/7", i + 1, 7);
            }
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        assertThat(s).contains("weights").contains("3/3").contains("fusion");
        assertThat(s).contains("encode").contains("7/7").contains("sam tile 7/7");
        // each bar is redrawn in place and ended by exactly one newline
        String[] lines = s.split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("\r").contains("weights").doesNotContain("encode");
        assertThat(lines[1]).startsWith("\r").contains("encode");
        assertThat(lines[2]).isEmpty();
    }
}
