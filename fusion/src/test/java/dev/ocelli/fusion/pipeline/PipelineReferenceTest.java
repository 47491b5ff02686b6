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
}
