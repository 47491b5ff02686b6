package dev.ocelli.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.encoders.weights.CheckpointException;
import dev.ocelli.fusion.pipeline.StageTiming;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedding API's loading paths and errors (full-size runs: EmbedExampleTest with OCELLI_FULLSIZE=1). */
class OcelliApiTest {

    @Test
    void encoderFromACheckpointDirectoryMatchesPyTorch() {
        try (ReferenceCase c = ReferenceData.load("encoders/clip_small_ref");
             VisionEncoder e = Ocelli.encoder("clip-vit-l-14-336", ReferenceData.root().resolve("encoders/clip_small"))) {
            Tolerance.assertClose("clip_small last_hidden_state", c.tensor("native.last_hidden_state"),
                    e.encodePixels(c.tensor("native.pixel_values")), 1e-4, 1e-4);
        }
    }

    @Test
    void wrongCheckpointForThePipelineNamesThePrefix() {
        // a Mini-Gemini checkpoint is not a LLaVA-HR one
        assertThatThrownBy(() -> Ocelli.pipeline("llava-hr", ReferenceData.path("fusion/pipelines/mgm_tiny/model")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.vision_tower.fast_vision_tower.vision_tower.vision_model.");
    }

    @Test
    void unknownNames() {
        assertThatThrownBy(() -> Ocelli.pipeline("gpt-vision")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mini-gemini, mini-gemini-hd, llava-hr, eagle, leo");
        assertThatThrownBy(() -> Ocelli.encoder("resnet-50")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sam-vit-l");
    }

    @Test
    void planAtFullSizeWithOptions() {
        List<StageTiming> plan = Ocelli.plan("leo", Ocelli.Options.defaults().withMaxTiles(12).withLlmHidden(5120), 4000, 1000);
        // aspect 4: the 4x1 grid fits exactly (8x2 would need 16 > 12 tiles), plus the thumbnail
        assertThat(plan.get(plan.size() - 1).shape()).containsExactly(5 * 512, 5120);
    }
}
