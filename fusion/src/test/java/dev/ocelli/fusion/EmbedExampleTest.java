package dev.ocelli.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.preprocess.SampleImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example in the README is taken out of the file and compiled with javac against
 * the test classpath, then run: a full-size mini-gemini with synthetic weights (1.6 TFLOP, ~2.3 GB
 * of weights), about 30 s on a quiet 2-core machine. {@code OCELLI_SKIP_FULLSIZE=1} skips the run
 * (forked test JVMs inherit the environment); TokenCountTest still checks the full-size token
 * counts through the shape-only plan.
 */
class EmbedExampleTest {

    static String example() throws Exception {
        Path doc = Path.of(System.getProperty("user.dir")).resolveSibling("README.md");
        String md = Files.readString(doc);
        int a = md.indexOf("<!-- embed-example:start -->"), b = md.indexOf("<!-- embed-example:end -->");
        assertThat(a).as("example markers in " + doc).isNotNegative();
        String block = md.substring(a, b);
        return block.substring(block.indexOf("```java") + 7, block.lastIndexOf("```"));
    }

    /** Compiles the example into {@code dir}; returns nothing, fails with javac's diagnostics. */
    static void compile(Path dir) throws Exception {
        String src = example();
        assertThat(src.lines().filter(l -> !l.isBlank()).count()).isLessThanOrEqualTo(16);
        Path file = dir.resolve("EmbedExample.java");
        Files.writeString(file, src);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-proc:none", "-cp", System.getProperty("java.class.path"), "-d",
                dir.toString(), file.toString());
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void readmeExampleCompiles(@TempDir Path dir) throws Exception {
        compile(dir);
        try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThat(cl.loadClass("EmbedExample").getMethod("main", String[].class)).isNotNull();
        }
    }

    @Test
    @DisabledIfEnvironmentVariable(named = "OCELLI_SKIP_FULLSIZE", matches = "1")
    void readmeExampleRuns(@TempDir Path dir) throws Exception {
        compile(dir);
        RgbImage img = SampleImage.load();
        BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                bi.setRGB(x, y, img.get(x, y, 0) << 16 | img.get(x, y, 1) << 8 | img.get(x, y, 2));
            }
        }
        Path photo = dir.resolve("sample.png");
        ImageIO.write(bi, "png", photo.toFile());

        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = cl.loadClass("EmbedExample").getMethod("main", String[].class);
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {photo.toString()});
        } finally {
            System.setOut(old);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        old.println(String.join("\n", lines));
        assertThat(lines.get(0)).isEqualTo("576 tokens of width 4096");
        assertThat(lines).anyMatch(l -> l.startsWith("patch-info-mining")).anyMatch(l -> l.startsWith("convnext"));
    }
}
