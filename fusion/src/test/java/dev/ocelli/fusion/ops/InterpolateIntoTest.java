package dev.ocelli.fusion.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.F;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link TokenMaps#interpolateInto}: chunked over channels, into a strided slice, same bits as one call. */
class InterpolateIntoTest {

    @ParameterizedTest
    @CsvSource({"450, 5, 7, 9, 4, false", "192, 6, 6, 12, 12, false", "193, 8, 8, 4, 4, true", "7, 3, 3, 3, 3, false"})
    void equalsOneInterpolateCall(int c, int h, int w, int oh, int ow, boolean alignCorners) {
        SplittableRandom rnd = new SplittableRandom(c * 31L + h);
        float[] x = new float[2 * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        // the source as a channels-first view of a channels-last buffer, as ConvNeXt's stages are
        Tensor src = Tensor.of(x, 2, h, w, c).permute(0, 3, 1, 2);
        Tensor want = F.interpolate(src, oh, ow, "bilinear", alignCorners, false);
        // the destination: a channel slice of a wider channels-last buffer
        Tensor buf = Tensor.zeros(2, oh, ow, c + 5);
        Tensor dst = buf.permute(0, 3, 1, 2).narrow(1, 3, c);
        TokenMaps.interpolateInto(dst, src, "bilinear", alignCorners);
        assertThat(dst.contiguous().toFloatArray()).containsExactly(want.toFloatArray());
        // the channels around the slice are untouched
        assertThat(buf.permute(0, 3, 1, 2).narrow(1, 0, 3).contiguous().toFloatArray()).containsOnly(0f);
    }
}
