package dev.ocelli.encoders.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.DType;
import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsTest {

    @TempDir
    Path dir;

    private static Tensor ramp(long... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] a = t.storage().floatArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = i * 0.25f - 1f;
        }
        return t;
    }

    private Path write(String name, Map<String, Tensor> m) {
        Path p = dir.resolve(name);
        SafetensorsWriter.write(p, m, Map.of());
        return p;
    }

    @Test
    void f32IsMappedF16AndBf16AreWidened() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("vision_model.a", ramp(2, 3));
        m.put("vision_model.b", ramp(4).to(DType.F16));
        m.put("vision_model.c", ramp(5).to(DType.BF16));
        try (CheckpointWeights w = CheckpointWeights.open(write("m.safetensors", m))) {
            Tensor a = w.tensor("vision_model.a");
            assertThat(a.storage().floatArray()).as("F32 stays a mapped view").isNull();
            assertThat(a.toFloatArray()).containsExactly(ramp(2, 3).toFloatArray());
            assertThat(w.tensor("vision_model.b").dtype()).isEqualTo(DType.F32);
            assertThat(w.tensor("vision_model.b").toFloatArray()).containsExactly(ramp(4).toFloatArray());
            assertThat(w.tensor("vision_model.c").toFloatArray()).containsExactly(ramp(5).toFloatArray());
            assertThat(w.tensor("vision_model.b")).isSameAs(w.tensor("vision_model.b"));
            assertThat(w.dtype("vision_model.c")).isEqualTo(DType.BF16);
        }
    }

    @Test
    void strictReportListsEverythingAndSkipsKnownUnused() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("vision_model.pre_layrnorm.weight", ramp(4));
        m.put("vision_model.fc.weight", ramp(3, 4));
        m.put("vision_model.extra.bias", ramp(2));
        m.put("text_model.embeddings.x", ramp(2));
        m.put("logit_scale", ramp(1));
        try (CheckpointWeights w = CheckpointWeights.open(write("clip.safetensors", m))) {
            StateDict sd = StateDict.detect(w, null, "pre_layrnorm.weight");
            assertThat(sd.prefix()).isEqualTo("vision_model.");
            sd.take("pre_layrnorm.weight", 4);
            Tensor bad = sd.take("fc.weight", 4, 4);
            assertThat(bad.shape()).containsExactly(4, 4);
            sd.take("fc.bias", 4);
            LoadReport r = sd.report();
            assertThat(r.missing()).containsExactly("vision_model.fc.bias");
            assertThat(r.unexpected()).containsExactly("vision_model.extra.bias");
            assertThat(r.mismatched()).hasSize(1);
            assertThat(r.mismatched().get(0).toString()).contains("vision_model.fc.weight", "[3,4]", "[4,4]");
            assertThat(r.skipped()).anySatisfy(s -> assertThat(s).contains("text_model.*", "logit_scale"));
            assertThatThrownBy(sd::finish).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("1 missing key").hasMessageContaining("1 shape mismatch")
                    .hasMessageContaining("1 unexpected key").hasMessageNotContaining("\n")
                    .satisfies(e -> assertThat(((CheckpointException) e).details())
                            .contains("missing:    vision_model.fc.bias", "unexpected: vision_model.extra.bias"));
        }
    }

    @Test
    void knownUnusedUnderEmptyPrefixAreNotedNotUnexpected() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", ramp(2));
        m.put("text_model.q", ramp(2));
        m.put("logit_scale", ramp(1));
        try (CheckpointWeights w = CheckpointWeights.open(write("x.safetensors", m))) {
            StateDict sd = StateDict.of(w, "");
            sd.take("w", 2);
            LoadReport r = sd.finish();
            assertThat(r.ok()).isTrue();
            assertThat(r.skipped()).singleElement().asString().contains("text_model.* (1)", "logit_scale (1)");
        }
    }

    @Test
    void prefixDetectionFailsClearly() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a.vision_model.pre_layrnorm.weight", ramp(2));
        m.put("b.vision_model.pre_layrnorm.weight", ramp(2));
        try (CheckpointWeights w = CheckpointWeights.open(write("two.safetensors", m))) {
            assertThatThrownBy(() -> Prefixes.detect(w, "pre_layrnorm.weight"))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("2 prefixes");
            assertThatThrownBy(() -> Prefixes.detect(w, "encoder.layers.0.ls1"))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("cannot find the model's keys");
            assertThat(StateDict.detect(w, "b.vision_model", "x").prefix()).isEqualTo("b.vision_model.");
            assertThatThrownBy(() -> StateDict.of(w, "c."))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("no key starts with");
        }
    }

    @Test
    void truncatedFileIsOneLineCheckpointException() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", ramp(64));
        Path p = write("t.safetensors", m);
        byte[] all = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(all, all.length - 10));
        assertThatThrownBy(() -> CheckpointWeights.open(p)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("t.safetensors").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> CheckpointWeights.open(dir.resolve("nope")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("does not exist");
    }

    @Test
    void syntheticWeightsAreDeterministicAndScaled() {
        List<ParamSpec> ps = List.of(
                new ParamSpec("a.weight", new long[] {100, 1000}, ParamSpec.Init.WEIGHT),
                new ParamSpec("a.bias", new long[] {100}, ParamSpec.Init.constant(0.5f)),
                new ParamSpec("n.weight", new long[] {1000}, ParamSpec.Init.NORM_WEIGHT));
        SyntheticWeights w1 = SyntheticWeights.generate(ps, 7);
        SyntheticWeights w2 = SyntheticWeights.generate(List.of(ps.get(2), ps.get(0), ps.get(1)), 7);
        SyntheticWeights w3 = SyntheticWeights.generate(ps, 8);
        float[] a = w1.tensor("a.weight").toFloatArray();
        assertThat(a).containsExactly(w2.tensor("a.weight").toFloatArray());
        assertThat(a).isNotEqualTo(w3.tensor("a.weight").toFloatArray());
        double s = 0, s2 = 0, max = 0;
        for (float v : a) {
            s += v;
            s2 += v * v;
            max = Math.max(max, Math.abs(v));
        }
        assertThat(s / a.length).isBetween(-1e-3, 1e-3);
        assertThat(Math.sqrt(s2 / a.length)).isBetween(0.0195, 0.0205);
        assertThat(max).isLessThanOrEqualTo(0.02 * Math.sqrt(3) + 1e-6);
        assertThat(w1.tensor("a.bias").toFloatArray()).containsOnly(0.5f);
        assertThat(w1.isSynthetic()).isTrue();
    }

    @Test
    void syntheticValuesDoNotDependOnChunkBoundaries() {
        float[] whole = new float[1001];
        SyntheticWeights.fill(whole, 0, whole.length, 12345L, ParamSpec.Init.WEIGHT);
        float[] pieces = new float[1001];
        int[] cuts = {0, 1, 2, 7, 500, 501, 1000, 1001};
        for (int i = 0; i + 1 < cuts.length; i++) {
            SyntheticWeights.fill(pieces, cuts[i], cuts[i + 1], 12345L, ParamSpec.Init.WEIGHT);
        }
        assertThat(pieces).containsExactly(whole);
        assertThat(whole[0]).isNotEqualTo(whole[1]);
    }

    @Test
    void syntheticTensorsShareSlabsWithoutChangingValues() {
        List<ParamSpec> ps = List.of(new ParamSpec("x.weight", new long[] {3, 5}, ParamSpec.Init.WEIGHT),
                new ParamSpec("x.bias", new long[] {3}, ParamSpec.Init.BIAS),
                new ParamSpec("y.weight", new long[] {1024, 7}, ParamSpec.Init.WEIGHT),
                new ParamSpec("y.norm", new long[] {33}, ParamSpec.Init.NORM_WEIGHT));
        SyntheticWeights w = SyntheticWeights.generate(ps, 99);
        for (ParamSpec p : ps) {
            Tensor t = w.tensor(p.name());
            assertThat(t.shape()).containsExactly(p.shape());
            assertThat(t.isContiguous()).isTrue();
            assertThat(t.offset() % 16).as("%s offset %d", p.name(), t.offset()).isZero();
            // each tensor's values are those of the tensor generated alone: packing changes nothing
            float[] alone = new float[(int) p.numel()];
            SyntheticWeights.fill(alone, 0, alone.length, 99 ^ SyntheticWeights.fnv1a(p.name()), p.init());
            assertThat(t.toFloatArray()).as(p.name()).containsExactly(alone);
        }
        assertThat(w.tensor("y.weight").storage()).isSameAs(w.tensor("x.weight").storage());
        assertThat(w.tensor("y.weight").offset()).isGreaterThanOrEqualTo(w.tensor("x.bias").offset() + 3);
    }

    @Test
    void hfConfigsParse() throws IOException {
        Path clip = dir.resolve("clip.json");
        Files.writeString(clip, """
                {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 768,
                 "text_config": {"hidden_size": 768},
                 "vision_config": {"hidden_size": 1024, "image_size": 336, "intermediate_size": 4096,
                   "num_attention_heads": 16, "num_hidden_layers": 24, "patch_size": 14, "layer_norm_eps": 1e-05}}
                """);
        HfConfig.Clip c = (HfConfig.Clip) HfConfig.read(clip);
        assertThat(c).isEqualTo(new HfConfig.Clip(1024, 4096, 24, 16, 3, 336, 14, "quick_gelu", 1e-5));
        Path sam = dir.resolve("sam.json");
        Files.writeString(sam, """
                {"model_type": "sam", "vision_config": {"hidden_size": 1024, "num_hidden_layers": 24,
                 "num_attention_heads": 16, "global_attn_indexes": [5, 11, 17, 23], "mlp_dim": null}}
                """);
        HfConfig.Sam s = (HfConfig.Sam) HfConfig.read(sam);
        assertThat(s.mlpDim()).isEqualTo(4096);
        assertThat(s.globalAttnIndexes()).containsExactly(5, 11, 17, 23);
        assertThat(s.windowSize()).isEqualTo(14);
        Path ivit = dir.resolve("ivit.json");
        Files.writeString(ivit, """
                {"architectures": ["InternVisionModel"], "model_type": "intern_vit_6b", "hidden_size": 1024,
                 "qkv_bias": true, "qk_normalization": false, "norm_type": "layer_norm", "image_size": 448}
                """);
        HfConfig.InternVit iv = (HfConfig.InternVit) HfConfig.read(ivit);
        assertThat(iv.qkvBias()).isTrue();
        assertThat(iv.normType()).isEqualTo("layer_norm");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"model_type\": \"clip\", \"vision_config\": {\"hidden_size\": \"big\"}}");
        assertThatThrownBy(() -> HfConfig.read(bad)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("hidden_size must be an integer");
        Files.writeString(bad, "{\"model_type\": \"llama\"}");
        assertThatThrownBy(() -> HfConfig.read(bad)).hasMessageContaining("llama");
    }
}
