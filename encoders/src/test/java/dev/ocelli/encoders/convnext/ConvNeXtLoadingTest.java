package dev.ocelli.encoders.convnext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsFile;
import dev.ocelli.core.safetensors.SafetensorsWriter;
import dev.ocelli.encoders.weights.CheckpointException;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.testdata.ReferenceData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Strict loading, config inference, eps from the checkpoint's config, synthetic weights, shape errors. */
class ConvNeXtLoadingTest {

    @TempDir
    Path tmp;

    static Map<String, Tensor> timmWeights() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(ReferenceData.root().resolve("encoders/convnext/timm/model.safetensors"))) {
            for (String n : f.names()) {
                m.put(n, Tensor.of(f.tensor(n).toFloatArray(), f.tensor(n).shape()));
            }
        }
        return m;
    }

    @Test
    void missingAndMismatchedKeysGiveTheStrictReport() {
        Map<String, Tensor> m = timmWeights();
        m.remove("stages.2.blocks.1.mlp.fc2.bias");
        m.remove("stages.0.blocks.0.gamma");
        m.put("stages.1.blocks.0.norm.weight", Tensor.zeros(17));
        m.put("stages.3.blocks.0.extra", Tensor.zeros(3));
        Path file = tmp.resolve("bad.safetensors");
        SafetensorsWriter.write(file, m, Map.of());
        try (CheckpointWeights w = CheckpointWeights.open(file)) {
            assertThatThrownBy(() -> ConvNeXt.load(w, null, Float.NaN))
                    .isInstanceOfSatisfying(CheckpointException.class, e -> {
                        assertThat(e.getMessage()).doesNotContain("\n");
                        assertThat(e.report().missing()).containsExactlyInAnyOrder(
                                "stages.2.blocks.1.mlp.fc2.bias", "stages.0.blocks.0.gamma");
                        assertThat(e.report().mismatched()).hasSize(1);
                        assertThat(e.report().mismatched().get(0).key()).isEqualTo("stages.1.blocks.0.norm.weight");
                        assertThat(e.report().unexpected()).containsExactly("stages.3.blocks.0.extra");
                    });
        }
    }

    @Test
    void presetAgainstASmallCheckpointIsAShapeReportNotACrash() {
        try (CheckpointWeights w = CheckpointWeights.open(ReferenceData.root().resolve("encoders/convnext/timm"))) {
            assertThatThrownBy(() -> ConvNeXt.load(w, null, ConvNeXtConfig.large()))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("missing").hasMessageContaining("mismatch");
        }
    }

    @Test
    void notAConvNeXtCheckpoint() {
        Map<String, Tensor> m = Map.of("vision_model.pre_layrnorm.weight", Tensor.zeros(4));
        Path file = tmp.resolve("clip.safetensors");
        SafetensorsWriter.write(file, m, Map.of());
        try (CheckpointWeights w = CheckpointWeights.open(file)) {
            assertThatThrownBy(() -> ConvNeXt.load(w, null, Float.NaN)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("stem.0.weight");
        }
    }

    @Test
    void epsComesFromTheCheckpointConfig() throws Exception {
        assertThat(ConvNeXt.impliedEps(ReferenceData.root().resolve("encoders/convnext/open_clip"))).isEqualTo(1e-6f);
        assertThat(ConvNeXt.impliedEps(ReferenceData.root().resolve("encoders/convnext/timm"))).isNaN();
        Files.writeString(tmp.resolve("open_clip_config.json"),
                "{\"model_cfg\": {\"vision_cfg\": {\"timm_model_name\": \"convnext_xxlarge\"}}}");
        assertThat(ConvNeXt.impliedEps(tmp)).isEqualTo(1e-5f);
        Path hub = Files.createDirectory(tmp.resolve("hub"));
        Files.writeString(hub.resolve("config.json"), "{\"architecture\": \"convnext_large_mlp\", \"num_classes\": 768}");
        assertThat(ConvNeXt.impliedEps(hub.resolve("model.safetensors"))).isEqualTo(1e-6f);
        // nothing says: widths decide
        assertThat(ConvNeXtConfig.impliedEps(null, ConvNeXtConfig.xxlarge().dims())).isEqualTo(1e-5f);
        assertThat(ConvNeXtConfig.impliedEps(null, ConvNeXtConfig.large().dims())).isEqualTo(1e-6f);
    }

    @Test
    void presetsHaveThePapersSizes() {
        ConvNeXtConfig l = ConvNeXtConfig.preset("convnext-large");
        assertThat(l.depths()).containsExactly(3, 3, 27, 3);
        assertThat(l.dims()).containsExactly(192, 384, 768, 1536);
        assertThat(l.eps()).isEqualTo(1e-6f);
        ConvNeXtConfig x = ConvNeXtConfig.preset("convnext-xxlarge");
        assertThat(x.depths()).containsExactly(3, 4, 30, 3);
        assertThat(x.dims()).containsExactly(384, 768, 1536, 3072);
        assertThat(x.eps()).isEqualTo(1e-5f);
        // timm convnext_large has 197.77 M parameters with its 1000-class head (1536·1000 + 1000 + 2·1536)
        long head = 1536L * 1000 + 1000 + 2 * 1536;
        assertThat(l.parameters() + head).isEqualTo(197_767_336L);
        // timm convnext_xxlarge: 846.47 M with its head
        assertThat(x.parameters() + 3072L * 1000 + 1000 + 2 * 3072).isEqualTo(846_471_016L);
        long listed = ConvNeXt.parameters(l, ConvNeXtKeys.TIMM, "").stream().mapToLong(ParamSpec::numel).sum();
        assertThat(listed).isEqualTo(l.parameters());
        assertThatThrownBy(() -> ConvNeXtConfig.preset("convnext-huge")).hasMessageContaining("convnext-large");
    }

    @Test
    void syntheticWeightsAreDeterministicAndFinite() {
        ConvNeXtConfig cfg = new ConvNeXtConfig(new int[] {1, 2, 1, 1}, new int[] {16, 24, 32, 40}, 1e-6f);
        ConvNeXt a = ConvNeXt.synthetic(cfg, 7), b = ConvNeXt.synthetic(cfg, 7), c = ConvNeXt.synthetic(cfg, 8);
        assertThat(a.isSynthetic()).isTrue();
        Tensor px = Tensor.of(new float[2 * 3 * 70 * 90], 2, 3, 70, 90);
        for (int i = 0; i < px.numel(); i++) {
            px.storage().setFloat(i, (float) Math.sin(i * 0.37));
        }
        float[] fa = a.forward(px).last().toFloatArray();
        assertThat(a.forward(px).last().shape()).containsExactly(2, 40, 2, 2); // 70/4=17 → 8 → 4 → 2; 90/4=22 → 11 → 5 → 2
        assertThat(fa).isEqualTo(b.forward(px).last().toFloatArray());
        assertThat(fa).isNotEqualTo(c.forward(px).last().toFloatArray());
        for (float v : fa) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void badInputShapesNameTheShape() {
        ConvNeXt m = ConvNeXt.synthetic(new ConvNeXtConfig(new int[] {1, 1}, new int[] {8, 16}, 1e-6f), 1);
        assertThatThrownBy(() -> m.forward(Tensor.zeros(1, 4, 32, 32))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[1,4,32,32]");
        assertThatThrownBy(() -> m.forward(Tensor.zeros(1, 3, 3, 32))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("3x32");
        assertThatThrownBy(() -> m.stage(1, Tensor.zeros(1, 8, 8, 16))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[1,8,8,16]");
        assertThatThrownBy(() -> m.stage(1, Tensor.zeros(1, 1, 5, 8))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("1x5");
        assertThatThrownBy(() -> m.stage(2, Tensor.zeros(1, 8, 8, 16))).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void patchConvMatchesItsScalarDefinition() {
        java.util.Random r = new java.util.Random(3);
        int c = 5, oc = 7, k = 2, b = 2, h = 9, w = 7;
        float[] wt = new float[oc * c * k * k], bias = new float[oc], x = new float[b * c * h * w];
        for (float[] a : new float[][] {wt, bias, x}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
            }
        }
        PatchConv pc = new PatchConv(c, oc, k, dev.ocelli.kernels.gemm.Operand.rowMajor(wt, 0, c * k * k), bias);
        for (boolean cf : new boolean[] {true, false}) {
            dev.ocelli.testdata.Tolerance.assertClose("patch conv channelsFirst=" + cf, pc.reference(x, b, h, w, cf),
                    pc.forward(x, b, h, w, cf), 1e-5, 1e-5);
        }
    }
}
