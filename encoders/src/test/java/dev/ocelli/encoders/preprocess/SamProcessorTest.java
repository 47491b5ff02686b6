package dev.ocelli.encoders.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.testdata.ReferenceCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamProcessorTest {

    @Test
    void reshapedSizesMatchSamImageProcessor() {
        ImageProcessor p = ImageProcessor.preset("sam-vit-l");
        try (ReferenceCase f = Ref.load("sam")) {
            long[] in = Ref.i64(f, "sizes_hw");
            long[] out = Ref.i64(f, "reshaped_hw");
            assertThat(in.length).isGreaterThan(4000);
            for (int i = 0; i < in.length / 2; i++) {
                int[] hw = p.resizeTarget((int) in[2 * i], (int) in[2 * i + 1]);
                assertThat(new long[] {hw[0], hw[1]}).as("%dx%d", in[2 * i], in[2 * i + 1])
                        .containsExactly(out[2 * i], out[2 * i + 1]);
            }
        }
    }

    /** Bilinear resize byte for byte, then rescale + ImageNet normalise + zero pad to 1024². */
    @ParameterizedTest
    @ValueSource(strings = {"tiny", "panorama"})
    void pixelValuesAreNormalisedPilResizeZeroPadded(String stem) {
        ImageProcessor p = ImageProcessor.preset("sam-vit-l");
        RgbImage img = Ref.image(stem + ".png");
        RgbImage pil = Ref.expected("sam_" + stem);
        Ref.assertSameImage("sam " + stem, pil, p.resize(img));

        ImageProcessor.Processed out = p.preprocess(img);
        assertThat(out.shape()).containsExactly(3, 1024, 1024);
        assertThat(new int[] {out.originalHeight(), out.originalWidth()}).containsExactly(img.height(), img.width());
        assertThat(new int[] {out.reshapedHeight(), out.reshapedWidth()}).containsExactly(pil.height(), pil.width());
        float[] mean = ProcessorConfig.IMAGENET_MEAN, std = ProcessorConfig.IMAGENET_STD;
        float[] pv = out.pixelValues();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 1024; y++) {
                for (int x = 0; x < 1024; x++) {
                    float expected = 0f;
                    if (y < pil.height() && x < pil.width()) {
                        // HF: float32(float64(v) / 255), then (v - mean) / std in float32
                        float v = (float) (pil.get(x, y, c) * (1.0 / 255));
                        expected = (v - mean[c]) / std[c];
                    }
                    float actual = pv[(c * 1024 + y) * 1024 + x];
                    if (Float.floatToIntBits(actual) != Float.floatToIntBits(expected)) {
                        throw new AssertionError("sam " + stem + " at c=" + c + " y=" + y + " x=" + x + ": expected "
                                + expected + ", got " + actual);
                    }
                }
            }
        }
    }
}
