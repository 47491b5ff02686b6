package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.preprocess.DynamicPreprocess;
import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.preprocess.SampleImage;
import dev.ocelli.encoders.vit.VitConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LEO from preprocessed InternViT tiles: the SAM input is resized from them. */
class LeoPixelsTest {

    static Leo tinyLeo() {
        var cfg = new Leo.Config(EagleLeoTest.tinyInternVit(), EagleLeoTest.tinySam(VitConfig.Neck.FULL), 16, 32, 6, 24);
        return Leo.synthetic(cfg, 9);
    }

    /**
     * At the released sizes (448 tiles, SAM at 1024) on the sample photo's 7 tiles, the derived SAM
     * input differs from the SAM processor's only by PIL's uint8 rounding after each of its two
     * resize passes: at most one level, 1/255 / min(std) = 0.0175, and much less on average.
     */
    @Test
    void derivedSamTilesMatchTheSamProcessorAtReleasedSizes() {
        RgbImage img = SampleImage.load();
        var plan = DynamicPreprocess.plan(img.width(), img.height(), 1, 6, 448, true);
        List<RgbImage> tiles = DynamicPreprocess.tiles(img, plan);
        Tensor iv = Leo.internVlProcessor(448).pixelValues(tiles);
        Tensor want = Leo.samProcessor(1024).pixelValues(tiles);
        Tensor got = dev.ocelli.kernels.F.interpolate(iv, 1024, 1024, "bilinear", false, false);
        assertThat(got.shape()).containsExactly(want.shape());
        double[] d = diff(got, want);
        System.out.printf("leo derived SAM tiles vs SAM processor: max %.4f, mean %.5f%n", d[0], d[1]);
        assertThat(d[0]).as("max |derived - SAM processor|").isLessThan(1 / 255.0 / 0.224 + 1e-4);
        assertThat(d[1]).as("mean |derived - SAM processor|").isLessThan(0.5 / 255 / 0.229);
        // the other corner convention is measurably further off: align_corners=False is the one PIL matches
        double[] other = diff(dev.ocelli.kernels.F.interpolate(iv, 1024, 1024, "bilinear", true, false), want);
        assertThat(other[1]).isGreaterThan(1.5 * d[1]);
    }

    /** {max, mean} of |a - b|. */
    private static double[] diff(Tensor a, Tensor b) {
        float[] x = a.contiguous().toFloatArray(), y = b.contiguous().toFloatArray();
        double max = 0, sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs(x[i] - y[i]);
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {max, sum / x.length};
    }

    @Test
    void encodePixelsRunsBothEncodersOnTheDerivedSamTiles() {
        try (Leo p = tinyLeo()) {
            RgbImage img = RgbImage.filled(48, 32, 200, 10, 10);
            var plan = DynamicPreprocess.plan(48, 32, 1, 6, 16, true);
            Tensor iv = Leo.internVlProcessor(16).pixelValues(DynamicPreprocess.tiles(img, plan));
            PipelineResult r = p.encodePixels(iv);
            PipelineResult want = p.encodeTiles(iv, p.samTilesFrom(iv));
            assertThat(r.tokens().shape()).containsExactly(7 * 8, 24);
            assertThat(r.tokensAsArray()).containsExactly(want.tokensAsArray());
            assertThat(r.stages().stream().map(StageTiming::name))
                    .containsExactly("resize-sam", "internvit", "mlp1", "sam", "mlp2", "interleave");
        }
    }

    @Test
    void wrongShapeSaysWhatLeoTakes() {
        try (Leo p = tinyLeo()) {
            assertThatThrownBy(() -> p.encodePixels(Tensor.zeros(1, 3, 32, 32)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[T, 3, 16, 16]").hasMessageContaining("[1,3,32,32]");
        }
    }
}
