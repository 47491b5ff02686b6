package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsWriter;
import dev.ocelli.encoders.convnext.ConvNeXt;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.encoders.vit.VisionTransformer;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline from separate encoder files plus a fusion-weights file equals the one-checkpoint pipeline. */
class ComposeTest {

    @Test
    void miniGeminiFromSplitFiles(@TempDir Path dir) {
        // split the released-layout checkpoint the way the projects ship the parts
        Map<String, Tensor> clip = new LinkedHashMap<>(), cnx = new LinkedHashMap<>(), fusion = new LinkedHashMap<>();
        try (CheckpointWeights w = CheckpointWeights.open(ReferenceData.path("fusion/pipelines/mgm_tiny/model"))) {
            for (String k : w.names()) {
                Tensor t = Tensor.of(w.tensor(k).toFloatArray(), w.shape(k));
                if (k.startsWith(MiniGemini.CLIP_PREFIX)) {
                    clip.put(k.substring("model.vision_tower.vision_tower.".length()), t);   // HF CLIPModel: vision_model.*
                } else if (k.startsWith(MiniGemini.AUX_PREFIX)) {
                    cnx.put(k.substring(MiniGemini.AUX_PREFIX.length()), t);
                } else {
                    fusion.put(k, t);
                }
            }
        }
        SafetensorsWriter.write(dir.resolve("clip.safetensors"), clip, Map.of());
        SafetensorsWriter.write(dir.resolve("convnext.safetensors"), cnx, Map.of());
        SafetensorsWriter.write(dir.resolve("fusion.safetensors"), fusion, Map.of());

        VitConfig tiny = MiniGeminiTest.tinyClip();
        VisionTransformer v = VisionTransformer.load(dir.resolve("clip.safetensors"), VitConfig.Family.CLIP, tiny, null);
        CheckpointWeights cw = CheckpointWeights.open(dir.resolve("convnext.safetensors"));
        CheckpointWeights fw = CheckpointWeights.open(dir.resolve("fusion.safetensors"));
        var cfg = new MiniGemini.Config(tiny, null, 16, 32, 1, 0);
        try (ReferenceCase c = ReferenceData.load("fusion/pipelines/mgm_tiny_ref");
             MiniGemini p = MiniGemini.compose(cfg, v, ConvNeXt.load(cw, null, Float.NaN), fw, List.of(v.weights(), cw, fw))) {
            Tolerance.assertClose("composed mgm tokens", c.tensor("tokens"), p.encodePixels(c.tensor("pixel_values")).tokens(),
                    2e-4, 2e-4);
        }
    }

    @Test
    void composeNeedsOneCheckpointPerTower() {
        assertThatThrownBy(() -> Pipelines.compose("eagle", List.of(Path.of("a"), Path.of("b")), Path.of("f"), 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLIP, ConvNeXt, SAM");
    }
}
