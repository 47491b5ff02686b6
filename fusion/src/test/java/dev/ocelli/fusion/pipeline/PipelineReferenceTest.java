package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Whole pipelines at tiny widths against testdata/gen/fusion_pipelines.py: the checkpoint in the
 * released key layout (with LLM keys beside it), loaded through the pipeline loader, pixels to
 * tokens. Tolerance 2e-4 abs + 2e-4 rel: float32 through two small encoders and the fusion.
 */
class PipelineReferenceTest {

    static final double ATOL = 2e-4, RTOL = 2e-4;

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void miniGemini(int grid) {
        String name = grid == 1 ? "mgm_tiny" : "mgm_hd_tiny";
        var cfg = new MiniGemini.Config(MiniGeminiTest.tinyClip(), null, 16, 32 * grid, grid, 0);
        try (ReferenceCase c = ReferenceData.load("fusion/pipelines/" + name + "_ref");
             MiniGemini p = MiniGemini.load(CheckpointWeights.open(ReferenceData.path("fusion/pipelines/" + name + "/model")), cfg)) {
            PipelineResult r = p.encodePixels(c.tensor("pixel_values"));
            assertThat(p.llmHidden()).isEqualTo(24);
            Tolerance.assertClose(name + " tokens", c.tensor("tokens"), r.tokens(), ATOL, RTOL);
        }
    }

    @Test
    void llavaHr() {
        var cfg = new LlavaHr.Config(LlavaHrTest.tinyClip(), null, 128, 32, 0);
        try (ReferenceCase c = ReferenceData.load("fusion/pipelines/llava_hr_tiny_ref");
             LlavaHr p = LlavaHr.load(CheckpointWeights.open(ReferenceData.path("fusion/pipelines/llava_hr_tiny/model")), cfg)) {
            PipelineResult r = p.encodePixels(c.tensor("pixel_values"));
            Tolerance.assertClose("llava-hr tokens", c.tensor("tokens"), r.tokens(), ATOL, RTOL);
        }
    }

    @Test
    void eagle() {
        var sam = new dev.ocelli.encoders.vit.VitConfig(dev.ocelli.encoders.vit.VitConfig.Family.SAM, 16, 32, 2, 2, 3, 64, 4,
                dev.ocelli.kernels.gemm.Activation.GELU_ERF, 1e-6f, true, true, 3, new int[] {1}, 8,
                dev.ocelli.encoders.vit.VitConfig.Neck.SHORT, null, null);
        var cfg = new Eagle.Config(MiniGeminiTest.tinyClip(), null, sam, 64, 16, 8, 0);
        try (ReferenceCase c = ReferenceData.load("fusion/pipelines/eagle_tiny_ref");
             Eagle p = Eagle.load(CheckpointWeights.open(ReferenceData.path("fusion/pipelines/eagle_tiny/model")), cfg)) {
            PipelineResult r = p.encodePixels(c.tensor("pixel_values"));
            Tolerance.assertClose("eagle tokens", c.tensor("tokens"), r.tokens(), ATOL, RTOL);
        }
    }

    @Test
    void leo() {
        var cfg = new Leo.Config(EagleLeoTest.tinyInternVit(), EagleLeoTest.tinySam(dev.ocelli.encoders.vit.VitConfig.Neck.FULL),
                16, 32, 6, 0);
        try (ReferenceCase c = ReferenceData.load("fusion/pipelines/leo_tiny_ref");
             Leo p = Leo.load(CheckpointWeights.open(ReferenceData.path("fusion/pipelines/leo_tiny/model")), cfg)) {
            PipelineResult r = p.encodeTiles(c.tensor("internvit_tiles"), c.tensor("sam_tiles"));
            Tolerance.assertClose("leo tokens", c.tensor("tokens"), r.tokens(), ATOL, RTOL);
        }
    }
}
