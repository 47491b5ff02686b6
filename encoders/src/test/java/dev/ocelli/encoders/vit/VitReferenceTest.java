package dev.ocelli.encoders.vit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.HfConfig;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Small CLIP ViT, InternViT and SAM encoders against PyTorch: testdata/gen/encoders_vit.py builds
 * them, saves them in the published layouts (config.json + weights), and records every hidden
 * state. Here they are loaded through the same entry point users call
 * ({@link VisionTransformer#load(Path)}) and every recorded layer is compared.
 */
class VitReferenceTest {

    /** float32 end to end on both sides; values reach ~30, so the relative term dominates. */
    static final double ATOL = 2e-5;
    static final double RTOL = 1e-4;

    static Path model(String name) {
        return ReferenceData.root().resolve("encoders").resolve(name);
    }

    static void compareHidden(ReferenceCase ref, String prefix, VitOutput out) {
        int n = 0;
        while (ref.has(prefix + "hidden_states." + n)) {
            Tolerance.assertClose(prefix + "hidden_states." + n, ref.tensor(prefix + "hidden_states." + n),
                    out.hiddenStates().get(n), ATOL, RTOL);
            n++;
        }
        assertThat(n).as("recorded hidden states").isGreaterThan(1);
        assertThat(out.hiddenStates()).hasSize(n);
    }

    @Test
    void clipFromClipModelDirectory() {
        try (ReferenceCase ref = ReferenceData.load("encoders/clip_small_ref")) {
            VisionTransformer vit = VisionTransformer.load(model("clip_small"));
            try {
                assertThat(vit.config().family()).isEqualTo(VitConfig.Family.CLIP);
                assertThat(vit.loadReport().prefix()).isEqualTo("vision_model.");
                assertThat(String.join(" ", vit.loadReport().skipped()))
                        .contains("text_model.*", "logit_scale", "visual_projection.*", "text_projection.*");

                VitOutput o = vit.forward(ref.tensor("native.pixel_values"));
                compareHidden(ref, "native.", o);
                Tolerance.assertClose("last_hidden_state", ref.tensor("native.last_hidden_state"), o.lastHiddenState(), ATOL, RTOL);
                Tolerance.assertClose("pooler_output", ref.tensor("native.pooler_output"), o.pooledOutput(), ATOL, RTOL);

                // 20x24 pixels: 5x6 grid, HF interpolate_pos_encoding (bicubic, no antialias)
                VitOutput odd = vit.forward(ref.tensor("odd.pixel_values"));
                assertThat(odd.gridH()).isEqualTo(5);
                assertThat(odd.gridW()).isEqualTo(6);
                compareHidden(ref, "odd.", odd);

                // LLaVA-HR: 3x3 grid (downscaled positions, antialias), CLS dropped before the encoder
                VitOutput hr = vit.forward(ref.tensor("aa_nocls.pixel_values"), VitOptions.llavaHr());
                assertThat(hr.hasCls()).isFalse();
                assertThat(hr.pooledOutput()).isNull();
                compareHidden(ref, "aa_nocls.", hr);

                // 6x6 grid with antialias (upscaling still differs from plain bicubic: a = -0.5)
                VitOutput up = vit.forward(ref.tensor("aa_up.pixel_values"),
                        new VitOptions(false, VitOptions.PosResize.BICUBIC_ANTIALIAS, true));
                compareHidden(ref, "aa_up.", up);
            } finally {
                vit.weights().close();
            }
        }
    }

    @Test
    void internVitFromBf16Directory() {
        try (ReferenceCase ref = ReferenceData.load("encoders/internvit_small_ref")) {
            VisionTransformer vit = VisionTransformer.load(model("internvit_small"));
            try {
                assertThat(vit.config().family()).isEqualTo(VitConfig.Family.INTERNVIT);
                assertThat(vit.loadReport().prefix()).isEmpty();
                assertThat(vit.config().layerNormEps()).isEqualTo(1e-6f);
                compareHidden(ref, "native.", vit.forward(ref.tensor("native.pixel_values")));
                VitOutput odd = vit.forward(ref.tensor("odd.pixel_values"));
                assertThat(odd.lastHiddenState().shape()).containsExactly(1, 16, 48);
                compareHidden(ref, "odd.", odd);
                assertThat(odd.pooledOutput()).isNull();
            } finally {
                vit.weights().close();
            }
        }
    }

    @Test
    void samFromShardedDirectoryWithPaddedWindowsAndResizedRelPos() {
        try (ReferenceCase ref = ReferenceData.load("encoders/sam_small_ref")) {
            VisionTransformer vit = VisionTransformer.load(model("sam_small"));
            try {
                VitConfig c = vit.config();
                assertThat(c.family()).isEqualTo(VitConfig.Family.SAM);
                assertThat(c.windowSize()).isEqualTo(3);
                assertThat(c.globalAttnIndexes()).containsExactly(1);
                assertThat(c.intermediateSize()).isEqualTo(64); // mlp_dim null -> hidden * mlp_ratio
                assertThat(vit.loadReport().prefix()).isEqualTo("vision_encoder.");
                assertThat(String.join(" ", vit.loadReport().skipped())).contains("prompt_encoder.*", "mask_decoder.*");
                VitOutput o = vit.forward(ref.tensor("native.pixel_values"));
                assertThat(o.lastHiddenState().shape()).containsExactly(2, 10, 10, 32);
                compareHidden(ref, "native.", o);
                Tolerance.assertClose("image_embeddings", ref.tensor("native.image_embeddings"), o.imageEmbeddings(), ATOL, RTOL);
            } finally {
                vit.weights().close();
            }
        }
    }

    @Test
    void samWithEagleShortNeckFromBareFile() {
        VitConfig sam = VitConfig.fromHf(HfConfig.read(model("sam_small").resolve("config.json")))
                .withNeck(VitConfig.Neck.SHORT, null, null);
        try (ReferenceCase ref = ReferenceData.load("encoders/sam_small_ref")) {
            VisionTransformer vit = VisionTransformer.load(ReferenceData.path("encoders/sam_small_eagle"), null, sam, null);
            try {
                VitOutput o = vit.forward(ref.tensor("native.pixel_values"));
                compareHidden(ref, "native.", o);
                Tolerance.assertClose("short neck", ref.tensor("native.image_embeddings_short_neck"), o.imageEmbeddings(),
                        ATOL, RTOL);
            } finally {
                vit.weights().close();
            }
        }
    }

    @Test
    void selectLayerAndPatchFeatures() {
        try (ReferenceCase ref = ReferenceData.load("encoders/clip_small_ref")) {
            VisionTransformer vit = VisionTransformer.load(model("clip_small"));
            try {
                VitOutput o = vit.forward(ref.tensor("native.pixel_values"));
                assertThat(o.hiddenState(-1)).isSameAs(o.lastHiddenState());
                assertThat(o.hiddenState(-2)).isSameAs(o.hiddenStates().get(2)); // layer 2 of 3
                Tensor patch = o.patchTokens(-2);
                assertThat(patch.shape()).containsExactly(2, 16, 32);
                Tolerance.assertClose("patch tokens", ref.tensor("native.hidden_states.2").narrow(1, 1, 16), patch, ATOL, RTOL);
            } finally {
                vit.weights().close();
            }
        }
    }
}
