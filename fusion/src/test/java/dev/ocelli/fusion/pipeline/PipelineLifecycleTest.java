package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Thread safety after loading, and close() releasing the mapped checkpoint. */
class PipelineLifecycleTest {

    static final String MODEL = "fusion/pipelines/mgm_tiny/model";

    private static MiniGemini load() {
        var cfg = new MiniGemini.Config(MiniGeminiTest.tinyClip(), null, 16, 32, 1, 0);
        return MiniGemini.load(CheckpointWeights.open(ReferenceData.path(MODEL)), cfg);
    }

    @Test
    void concurrentEncodesEqualSerial() throws Exception {
        try (ReferenceCase c = ReferenceData.load("fusion/pipelines/mgm_tiny_ref"); MiniGemini p = load()) {
            Tensor px = c.tensor("pixel_values");
            float[] serial = p.encodePixels(px).tokensAsArray();
            ExecutorService ex = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> fs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    fs.add(ex.submit(() -> p.encodePixels(px).tokensAsArray()));
                }
                for (Future<float[]> f : fs) {
                    assertThat(f.get()).containsExactly(serial);
                }
            } finally {
                ex.shutdownNow();
            }
        }
    }

    @Test
    void closeReleasesTheMapping() {
        Tensor px;
        try (ReferenceCase c = ReferenceData.load("fusion/pipelines/mgm_tiny_ref")) {
            px = Tensor.of(c.tensor("pixel_values").toFloatArray(), 1, 3, 32, 32);
        }
        MiniGemini p = load();
        assertThat(p.isSynthetic()).isFalse();
        assertThat(p.describeWeights()).singleElement().asString().contains("mgm_tiny");
        p.encodePixels(px);
        p.close();
        // the weights were views of the mapped file; after close they are gone
        assertThatThrownBy(() -> p.encodePixels(px)).isInstanceOf(IllegalStateException.class);
    }
}
