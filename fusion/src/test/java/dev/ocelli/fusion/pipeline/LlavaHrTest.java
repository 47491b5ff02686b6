package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.kernels.gemm.Activation;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlavaHrTest {

    static VitConfig tinyClip() {
        return new VitConfig(VitConfig.Family.CLIP, 16, 32, 4, 2, 3, 16, 4, Activation.QUICK_GELU, 1e-5f, true, false, 0,
                null, 0, VitConfig.Neck.NONE, null, null);
    }

    @Test
    void tinyRunMatchesPlan() {
        var cfg = new LlavaHr.Config(tinyClip(), MiniGeminiTest.tinyConvNeXt(), 128, 32, 24);
        try (LlavaHr p = LlavaHr.synthetic(cfg, 3)) {
            PipelineResult r = p.encode(RgbImage.filled(50, 70, 10, 200, 30));
            List<StageTiming> plan = p.plan(50, 70);
            assertThat(r.stages()).hasSameSizeAs(plan);
            for (int i = 0; i < plan.size(); i++) {
                assertThat(r.stages().get(i).name()).isEqualTo(plan.get(i).name());
                assertThat(r.stages().get(i).shape()).as(plan.get(i).name()).containsExactly(plan.get(i).shape());
            }
            assertThat(r.tokens().shape()).containsExactly(64, 24);
        }
    }

    @Test
    void releasedFastSide() {
        assertThat(LlavaHr.Config.standard(4096).fastSide()).isEqualTo(448);
        assertThat(new LlavaHr.Config(null, null, 384, 0, 1).fastSide()).isEqualTo(336);
        assertThat(new LlavaHr.Config(null, null, 1536, 0, 1).fastSide()).isEqualTo(672);
    }
}
