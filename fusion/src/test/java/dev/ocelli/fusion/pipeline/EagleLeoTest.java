package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.kernels.gemm.Activation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EAGLE and LEO at tiny widths: a real run's stage shapes equal the shape-only plan. */
class EagleLeoTest {

    static VitConfig tinySam(VitConfig.Neck neck) {
        return new VitConfig(VitConfig.Family.SAM, 16, 32, 2, 2, 3, 32, 4, Activation.GELU_ERF, 1e-6f, true, true, 3,
                new int[] {1}, 8, neck, null, null);
    }

    static VitConfig tinyInternVit() {
        return new VitConfig(VitConfig.Family.INTERNVIT, 16, 32, 2, 2, 3, 16, 4, Activation.GELU_ERF, 1e-6f, true, false,
                0, null, 0, VitConfig.Neck.NONE, null, null);
    }

    static void assertMatchesPlan(PipelineResult r, List<StageTiming> plan) {
        assertThat(r.stages()).hasSameSizeAs(plan);
        for (int i = 0; i < plan.size(); i++) {
            assertThat(r.stages().get(i).name()).isEqualTo(plan.get(i).name());
            assertThat(r.stages().get(i).shape()).as(plan.get(i).name()).containsExactly(plan.get(i).shape());
        }
    }

    @Test
    void eagle() {
        // master 64, CLIP at 16 (4x4), ConvNeXt 2x2, SAM 16x16 -> unshuffle 8x8; common grid 8
        var cfg = new Eagle.Config(LlavaHrTest.tinyClip(), MiniGeminiTest.tinyConvNeXt(),
                tinySam(VitConfig.Neck.SHORT), 64, 16, 8, 24);
        try (Eagle p = Eagle.synthetic(cfg, 5)) {
            PipelineResult r = p.encode(RgbImage.filled(64, 48, 90, 90, 90));
            assertMatchesPlan(r, p.plan(64, 48));
            assertThat(r.tokens().shape()).containsExactly(64, 24);
        }
    }

    @Test
    void leo() {
        // tiles of 16 (InternViT 4x4 -> 2x2 after the shuffle), SAM at 32 (8x8 -> 2x2 after unshuffle 4)
        var cfg = new Leo.Config(tinyInternVit(), tinySam(VitConfig.Neck.FULL), 16, 32, 6, 24);
        try (Leo p = Leo.synthetic(cfg, 9)) {
            PipelineResult r = p.encode(RgbImage.filled(48, 32, 200, 10, 10));  // 3x2 grid + thumbnail
            assertMatchesPlan(r, p.plan(48, 32));
            assertThat(r.info()).containsEntry("tiles", "7");
            assertThat(r.tokens().shape()).containsExactly(7 * 8, 24);
        }
    }
}
