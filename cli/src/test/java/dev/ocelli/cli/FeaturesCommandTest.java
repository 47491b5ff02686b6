package dev.ocelli.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsFile;
import dev.ocelli.core.safetensors.SafetensorsWriter;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ocelli features}, in-process, against the ConvNeXt PyTorch reference (testdata/gen/encoders_convnext.py). */
class FeaturesCommandTest {

    static final String TIMM = ReferenceData.root().resolve("encoders/convnext/timm").toString();

    @TempDir
    Path tmp;
    Path pixels;

    @BeforeEach
    void writePixels() {
        pixels = tmp.resolve("px.safetensors");
        try (ReferenceCase io = ReferenceData.load("encoders/convnext/io")) {
            SafetensorsWriter.write(pixels, Map.of("pixel_values", Tensor.of(io.floats("pixel_values"), 2, 3, 64, 48)), null);
        }
    }

    static Map<String, Tensor> read(Path p) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            for (String n : f.names()) {
                Tensor t = f.tensor(n);
                m.put(n, Tensor.of(t.toFloatArray(), t.shape()));
            }
        }
        return m;
    }

    @Test
    void convnextAllStagesMatchPyTorchInNchw() {
        Path out = tmp.resolve("f.safetensors");
        CliRunner r = CliRunner.run("features", "--model", "convnext", "--weights", TIMM, "--pixels", pixels.toString(),
                "--out", out.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).doesNotContain("synthetic").contains("stages.3 [2,32,2,1]").contains("wrote 5 tensors");
        Map<String, Tensor> got = read(out);
        assertThat(got.keySet()).containsExactly("stem", "stages.0", "stages.1", "stages.2", "stages.3");
        try (ReferenceCase io = ReferenceData.load("encoders/convnext/io");
             SafetensorsFile f = SafetensorsFile.open(out)) {
            for (String k : got.keySet()) {
                Tolerance.assertClose(k, io.tensor(k), got.get(k), 1e-5, 1e-4);
            }
            assertThat(f.metadata()).containsEntry("model", "convnext").containsEntry("weights", TIMM);
        }
    }

    @Test
    void layerSelection() {
        Path out = tmp.resolve("f.safetensors");
        assertThat(CliRunner.run("features", "--model", "convnext", "--weights", TIMM, "--pixels", pixels.toString(),
                "--out", out.toString(), "--layers", "-2").exit()).isZero();
        assertThat(read(out).keySet()).containsExactly("stages.2");
        assertThat(CliRunner.run("features", "--model", "convnext", "--weights", TIMM, "--pixels", pixels.toString(),
                "--out", out.toString(), "--layers", "stem,0,last").exit()).isZero();
        assertThat(read(out).keySet()).containsExactly("stem", "stages.0", "stages.3");
    }

    @Test
    void badLayersIsOneLineAndNoOutput() {
        Path out = tmp.resolve("f.safetensors");
        CliRunner r = CliRunner.run("features", "--model", "convnext", "--weights", TIMM, "--pixels", pixels.toString(),
                "--out", out.toString(), "--layers", "7");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("ocelli: --layers: stage 7 out of range");
        assertThat(out).doesNotExist();
    }

    @Test
    void truncatedCheckpointIsTheStrictReportInOneLine() throws Exception {
        Map<String, Tensor> w = read(Path.of(TIMM, "model.safetensors"));
        w.remove("stages.1.blocks.0.mlp.fc1.weight");
        Path bad = tmp.resolve("bad.safetensors");
        SafetensorsWriter.write(bad, w, null);
        Path out = tmp.resolve("f.safetensors");
        CliRunner r = CliRunner.run("features", "--model", "convnext", "--weights", bad.toString(), "--pixels",
                pixels.toString(), "--out", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("missing").contains("stages.1.blocks.0.mlp.fc1.weight");
        assertThat(out).doesNotExist();
    }

    @Test
    void imageInputGoesThroughTheClipProcessor() {
        Path out = tmp.resolve("f.safetensors");
        String img = ReferenceData.root().resolve("preprocess/images/chelsea.png").toString();
        CliRunner r = CliRunner.run("features", "--model", "convnext", "--weights", TIMM, "--image", img,
                "--image-size", "64", "--out", out.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(read(out).get("stem").shape()).containsExactly(1, 8, 16, 16);
        assertThat(read(out).get("stages.3").shape()).containsExactly(1, 32, 2, 2);
    }

    @Test
    void notAnImageIsOneLine() throws Exception {
        Path junk = tmp.resolve("junk.png");
        Files.writeString(junk, "this is not a PNG");
        Path out = tmp.resolve("f.safetensors");
        CliRunner r = CliRunner.run("features", "--model", "convnext", "--weights", TIMM, "--image", junk.toString(),
                "--out", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("junk.png");
        assertThat(out).doesNotExist();
    }

    @Test
    void withoutWeightsTheOutputSaysSynthetic() {
        Path out = tmp.resolve("f.safetensors");
        Path small = tmp.resolve("small.safetensors");
        SafetensorsWriter.write(small, Map.of("pixel_values", Tensor.zeros(1, 3, 64, 64)), null);
        CliRunner r = CliRunner.run("features", "--model", "convnext", "--preset", "convnext-large", "--pixels",
                small.toString(), "--out", out.toString(), "--layers", "last");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("synthetic weights");
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            assertThat(f.metadata().get("weights")).contains("synthetic");
            assertThat(f.info("stages.3").shape()).containsExactly(1, 1536, 2, 2);
        }
    }

    @ParameterizedTest
    @CsvSource({"clip-vit,clip_small", "internvit,internvit_small", "sam,sam_small"})
    void vitHiddenStatesMatchPyTorch(String model, String dir) {
        Path out = tmp.resolve("v.safetensors");
        Path px = tmp.resolve("vpx.safetensors");
        Map<String, Tensor> ref;
        try (ReferenceCase c = ReferenceData.load("encoders/" + dir + "_ref")) {
            ref = new LinkedHashMap<>();
            for (String n : c.names()) {
                if (n.startsWith("native.")) {
                    Tensor t = c.tensor(n);
                    ref.put(n.substring("native.".length()), Tensor.of(t.toFloatArray(), t.shape()));
                }
            }
        }
        SafetensorsWriter.write(px, Map.of("pixel_values", ref.get("pixel_values")), null);
        CliRunner r = CliRunner.run("features", "--model", model, "--weights",
                ReferenceData.root().resolve("encoders/" + dir).toString(), "--pixels", px.toString(), "--out", out.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        Map<String, Tensor> got = read(out);
        int compared = 0;
        for (Map.Entry<String, Tensor> e : ref.entrySet()) {
            if (got.containsKey(e.getKey())) {
                Tolerance.assertClose(model + " " + e.getKey(), e.getValue(), got.get(e.getKey()), 1e-4, 1e-4);
                compared++;
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(3);
        assertThat(got).containsKey("last_hidden_state").containsKey("hidden_states.0");
        if (model.equals("sam")) {
            assertThat(got.get("hidden_states.1").shape()).containsExactly(2, 10, 10, 32);
            assertThat(got).containsKey("image_embeddings");
        }
        // LLaVA's select_layer -2
        assertThat(CliRunner.run("features", "--model", model, "--weights",
                ReferenceData.root().resolve("encoders/" + dir).toString(), "--pixels", px.toString(), "--out",
                out.toString(), "--layers", "-2").exit()).isZero();
        int layersPlusOne = (int) ref.keySet().stream().filter(k -> k.startsWith("hidden_states.")).count();
        assertThat(read(out).keySet()).containsExactly("hidden_states." + (layersPlusOne - 2));
    }

    @Test
    void usageErrors() {
        Path out = tmp.resolve("f.safetensors");
        CliRunner both = CliRunner.run("features", "--model", "convnext", "--pixels", pixels.toString(), "--image",
                pixels.toString(), "--out", out.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.errLines()).hasSize(1);
        CliRunner unknown = CliRunner.run("features", "--model", "resnet", "--pixels", pixels.toString(), "--out", out.toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("resnet");
        CliRunner noWeights = CliRunner.run("features", "--model", "convnext", "--weights", tmp.resolve("nope").toString(),
                "--pixels", pixels.toString(), "--out", out.toString());
        assertThat(noWeights.exit()).isEqualTo(2);
        assertThat(noWeights.err()).contains("nope");
        assertThat(out).doesNotExist();
    }
}
