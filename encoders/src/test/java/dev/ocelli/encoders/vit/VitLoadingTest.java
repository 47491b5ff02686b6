package dev.ocelli.encoders.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsWriter;
import dev.ocelli.encoders.weights.CheckpointException;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.testdata.ReferenceData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad checkpoints give the strict report; presets, parameter lists and key inference. */
class VitLoadingTest {

    @TempDir
    Path dir;

    /** A copy of the small CLIP model directory with its tensors edited. */
    private Path editedClip(java.util.function.Consumer<Map<String, Tensor>> edit) throws IOException {
        Path src = ReferenceData.root().resolve("encoders/clip_small");
        Path out = dir.resolve("clip");
        Files.createDirectories(out);
        Files.copy(src.resolve("config.json"), out.resolve("config.json"));
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (CheckpointWeights w = CheckpointWeights.open(src)) {
            for (String n : w.names()) {
                m.put(n, Tensor.of(w.tensor(n).toFloatArray(), w.shape(n)));
            }
        }
        edit.accept(m);
        SafetensorsWriter.write(out.resolve("model.safetensors"), m, Map.of());
        return out;
    }

    @Test
    void missingKeyWrongShapeAndUnexpectedKeyAreAllReported() throws IOException {
        Path p = editedClip(m -> {
            m.remove("vision_model.encoder.layers.1.mlp.fc2.bias");
            m.put("vision_model.encoder.layers.0.self_attn.k_proj.weight", Tensor.zeros(32, 31));
            m.put("vision_model.encoder.layers.9.mlp.fc1.weight", Tensor.zeros(2, 2));
        });
        assertThatThrownBy(() -> VisionTransformer.load(p))
                .isInstanceOf(CheckpointException.class)
                .hasMessageNotContaining("\n")
                .hasMessageContaining("1 missing key (vision_model.encoder.layers.1.mlp.fc2.bias)")
                .hasMessageContaining("1 shape mismatch (vision_model.encoder.layers.0.self_attn.k_proj.weight: checkpoint has [32,31], model expects [32,32])")
                .hasMessageContaining("1 unexpected key (vision_model.encoder.layers.9.mlp.fc1.weight)")
                .satisfies(e -> {
                    CheckpointException ce = (CheckpointException) e;
                    assertThat(ce.report().missing()).hasSize(1);
                    assertThat(ce.details()).contains("note:", "text_model.*");
                });
    }

    @Test
    void llavaStyleDirectoryWithAnLlmConfigFallsBackToTheKeys() throws IOException {
        // a LLaVA checkpoint: config.json describes the LLM, the tower sits under a long prefix
        Path src = ReferenceData.root().resolve("encoders/clip_small");
        Path out = dir.resolve("llava");
        Files.createDirectories(out);
        Files.writeString(out.resolve("config.json"), "{\"model_type\": \"llava\", \"mm_vision_select_layer\": -2}");
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (CheckpointWeights w = CheckpointWeights.open(src)) {
            for (String n : w.names()) {
                if (n.startsWith("vision_model.")) {
                    m.put("model.vision_tower.vision_tower." + n, Tensor.of(w.tensor(n).toFloatArray(), w.shape(n)));
                }
            }
        }
        m.put("model.layers.0.self_attn.q_proj.weight", Tensor.zeros(4, 4));
        m.put("lm_head.weight", Tensor.zeros(4, 4));
        SafetensorsWriter.write(out.resolve("model.safetensors"), m, Map.of());
        VisionTransformer vit = VisionTransformer.load(out);
        try {
            assertThat(vit.loadReport().prefix()).isEqualTo("model.vision_tower.vision_tower.vision_model.");
            assertThat(vit.config().hiddenSize()).isEqualTo(32);
            assertThat(vit.config().numLayers()).isEqualTo(3);
            assertThat(String.join(" ", vit.loadReport().skipped())).contains("model.* (1)", "lm_head.* (1)");
        } finally {
            vit.weights().close();
        }
    }

    @Test
    void truncatedCheckpointIsOneLine() throws IOException {
        Path p = editedClip(m -> { });
        Path f = p.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> VisionTransformer.load(p))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageNotContaining("\n");
    }

    @Test
    void wrongFamilyAndUnknownKeysAreClear() throws IOException {
        Path p = dir.resolve("llm.safetensors");
        SafetensorsWriter.write(p, Map.of("model.layers.0.mlp.up_proj.weight", Tensor.zeros(2, 2)), Map.of());
        assertThatThrownBy(() -> VisionTransformer.load(p)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no CLIP, InternViT or SAM keys");
        Path sam = ReferenceData.root().resolve("encoders/sam_small");
        assertThatThrownBy(() -> VisionTransformer.load(sam, VitConfig.Family.CLIP, null, null))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("SAM");
    }

    @Test
    void bareFileArchitectureIsInferredFromKeys() throws IOException {
        Path src = ReferenceData.root().resolve("encoders/clip_small");
        try (CheckpointWeights w = CheckpointWeights.open(src.resolve("model.safetensors"))) {
            assertThat(w.configFile()).isNull();
            VitConfig c = VitConfig.infer(VitConfig.Family.CLIP, StateDict.detect(w, null, "pre_layrnorm.weight"));
            assertThat(c.hiddenSize()).isEqualTo(32);
            assertThat(c.numLayers()).isEqualTo(3);
            assertThat(c.patchSize()).isEqualTo(4);
            assertThat(c.imageSize()).isEqualTo(16);
            assertThat(c.intermediateSize()).isEqualTo(64);
        }
        try (CheckpointWeights w = CheckpointWeights.open(ReferenceData.path("encoders/sam_small_eagle"))) {
            VitConfig c = VitConfig.infer(VitConfig.Family.SAM, StateDict.detect(w, null, "patch_embed.projection.weight"));
            assertThat(c.neck()).isEqualTo(VitConfig.Neck.SHORT);
            assertThat(c.neckChannels()).isEqualTo(16);
            assertThat(c.windowSize()).isEqualTo(3);
            assertThat(c.imageSize()).isEqualTo(40);
        }
    }

    @Test
    void presetsHaveThePublishedParameterCounts() {
        // counted from the architecture (spec §6) by hand, independently of this code:
        // CLIP-L/14-336 = 303,179,776 (HF CLIPVisionModel at 224) + 320 more positions x 1024
        assertThat(count(VitConfig.preset("clip-vit-l-14-336"))).isEqualTo(303_507_456L);
        // InternViT-300M-448px: 0.3B
        assertThat(count(VitConfig.preset("internvit-300m-448"))).isEqualTo(304_012_288L);
        // SAM ViT-L image encoder with neck: the 308M usually quoted
        assertThat(count(VitConfig.preset("sam-vit-l"))).isEqualTo(308_278_272L);
        assertThatThrownBy(() -> VitConfig.preset("vit-h")).hasMessageContaining("clip-vit-l-14-336");
    }

    private static long count(VitConfig c) {
        long n = 0;
        for (ParamSpec p : VisionTransformer.parameters(c)) {
            n += p.numel();
        }
        return n;
    }

    @Test
    void syntheticModelsLoadStrictlyAndStayFinite() {
        for (VitConfig c : List.of(small(VitConfig.clipVitL14_336()), small(VitConfig.internVit300m448()),
                small(VitConfig.samVitL()))) {
            VisionTransformer vit = VisionTransformer.synthetic(c, 3);
            assertThat(vit.loadReport().ok()).isTrue();
            assertThat(vit.weights().isSynthetic()).isTrue();
            Tensor px = pixels(1, c.imageSize(), 11);
            VitOutput o = vit.forward(px);
            for (float v : o.lastHiddenState().toFloatArray()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            assertThat(o.hiddenStates()).hasSize(c.numLayers() + 1);
        }
    }

    /** A paper preset shrunk to test size: same family and layout, fewer layers, narrower, smaller image. */
    static VitConfig small(VitConfig c) {
        boolean sam = c.family() == VitConfig.Family.SAM;
        return new VitConfig(c.family(), 64, 128, 4, 4, 3, sam ? 64 : 56, sam ? 8 : 7, c.act(), c.layerNormEps(),
                c.qkvBias(), c.useRelPos(), sam ? 3 : 0, sam ? new int[] {1, 3} : null, sam ? 32 : 0, c.neck(), null, null);
    }

    static Tensor pixels(int b, int size, long seed) {
        float[] a = new float[b * 3 * size * size];
        long s = seed;
        for (int i = 0; i < a.length; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            a[i] = ((s >>> 40) / (float) (1 << 24)) * 4f - 2f;
        }
        return Tensor.of(a, b, 3, size, size);
    }
}
