package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.convnext.ConvNeXtConfig;
import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.kernels.gemm.Activation;
import java.util.List;
import org.junit.jupiter.api.Test;

class MiniGeminiTest {

    static VitConfig tinyClip() {
        return new VitConfig(VitConfig.Family.CLIP, 16, 32, 2, 2, 3, 16, 4, Activation.QUICK_GELU, 1e-5f, true, false, 0,
                null, 0, VitConfig.Neck.NONE, null, null);
    }

    static ConvNeXtConfig tinyConvNeXt() {
        return new ConvNeXtConfig(new int[] {1, 1, 1, 1}, new int[] {8, 12, 16, 20}, 1e-6f);
    }

    @Test
    void tinyRunMatchesPlan() {
        for (int grid : new int[] {1, 2}) {
            var cfg = new MiniGemini.Config(tinyClip(), tinyConvNeXt(), 16, 32 * grid, grid, 24);
            try (MiniGemini p = MiniGemini.synthetic(cfg, 7)) {
                PipelineResult r = p.encode(RgbImage.filled(40, 30, 120, 60, 200));
                List<StageTiming> plan = p.plan(40, 30);
                assertThat(r.stages()).hasSameSizeAs(plan);
                for (int i = 0; i < plan.size(); i++) {
                    assertThat(r.stages().get(i).shape()).as(plan.get(i).name()).containsExactly(plan.get(i).shape());
                    assertThat(r.stages().get(i).name()).isEqualTo(plan.get(i).name());
                }
                assertThat(r.tokens().shape()).containsExactly(16L * (grid == 1 ? 1 : 5), 24);
                for (float v : r.tokensAsArray()) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
        }
    }
}
