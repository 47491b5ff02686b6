package dev.ocelli.kernels.resample;

import dev.ocelli.kernels.testing.Twins;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The separable vector interpolation returns the scalar twin's bits, all widths, up and down. */
class ResampleTwinTest {

    @ParameterizedTest(name = "vector-{0}")
    @ValueSource(ints = {128, 256, 512})
    void vectorEqualsScalar(int bits) {
        VectorResample v = VectorResample.forBits(bits);
        int[][] sizes = {{7, 13, 25, 6}, {25, 6, 13, 207}, {1, 4, 4, 1}, {13, 25, 13, 25}, {6, 207, 31, 702}};
        for (int[] sz : sizes) {
            int inH = sz[0], inW = sz[1], outH = sz[2], outW = sz[3];
            float[] x = Twins.gaussian(inH * 31L + inW, 2 * inH * inW + 1, 1f);
            for (Interp mode : Interp.values()) {
                for (boolean ac : new boolean[] {false, true}) {
                    if (mode == Interp.NEAREST && ac) {
                        continue;
                    }
                    float[] want = new float[2 * outH * outW], got = new float[2 * outH * outW];
                    ScalarResample.INSTANCE.interpolate(mode, ac, want, 0, x, 1, 2, inH, inW, outH, outW);
                    v.interpolate(mode, ac, got, 0, x, 1, 2, inH, inW, outH, outW);
                    Twins.assertSameBits(mode + " ac=" + ac + " " + java.util.Arrays.toString(sz) + " " + v.name(), want, got);
                }
            }
        }
    }
}
