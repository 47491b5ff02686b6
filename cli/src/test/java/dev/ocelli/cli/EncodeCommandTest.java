package dev.ocelli.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * encode's argument handling and errors (one line, exit 2, no --out left behind). The full-size
 * run itself is covered in module fusion (EmbedExampleTest runs mini-gemini end to end).
 */
class EncodeCommandTest {

    @Test
    void unknownPipelineIsOneLineExit2(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("x.png");
        Files.write(img, new byte[] {1, 2, 3});
        Path out = dir.resolve("t.safetensors");
        CliRunner r = CliRunner.run("encode", "--pipeline", "gemini-ultra", "--image", img.toString(), "--out", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString().startsWith("ocelli: unknown pipeline 'gemini-ultra'");
        assertThat(out).doesNotExist();
    }

    @Test
    void missingImage(@TempDir Path dir) {
        CliRunner r = CliRunner.run("encode", "--pipeline", "mini-gemini", "--image", dir.resolve("nope.jpg").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ocelli: no such image file");
    }

    @Test
    void imageOrPixelsRequiredButNotBoth(@TempDir Path dir) {
        CliRunner r = CliRunner.run("encode", "--pipeline", "mini-gemini");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--image").contains("--pixels");
        r = CliRunner.run("encode", "--pipeline", "mini-gemini", "--image", "a.png", "--pixels", "b.safetensors");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("mutually exclusive");
    }

    @Test
    void badThreads(@TempDir Path dir) {
        CliRunner r = CliRunner.run("encode", "--pipeline", "leo", "--image", "a.png", "--threads", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ocelli: --threads must be at least 1");
    }

    @Test
    void helpListsTheCommands() {
        CliRunner r = CliRunner.run("--help");
        assertThat(r.out()).contains("encode").contains("demo");
    }

    @Test
    void missingWeights(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("x.png");
        Files.write(img, new byte[] {1});
        CliRunner r = CliRunner.run("encode", "--pipeline", "eagle", "--image", img.toString(), "--weights",
                dir.resolve("clip").toString(), "--weights", dir.resolve("fusion.safetensors").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ocelli: no such weights file or directory");
    }
}
