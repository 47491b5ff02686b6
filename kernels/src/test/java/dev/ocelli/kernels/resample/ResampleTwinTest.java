package dev.ocelli.kernels.resample;

import dev.ocelli.kernels.testing.Twins;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector interpolation and pooling return the scalar twin's bits, all widths, up and down. */
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

    /** inH, inW, kH, kW, sH, sW, pH, pW: 2×2/2 downsampling, overlapping windows, padding wider than a window's overhang, 1×1, rows past one 512-bit vector. */
    static final int[][] POOLS = {
        {24, 24, 2, 2, 2, 2, 0, 0}, {7, 17, 3, 3, 2, 2, 1, 1}, {5, 40, 3, 5, 1, 1, 1, 2}, {1, 1, 1, 1, 1, 1, 0, 0},
        {9, 70, 4, 4, 4, 4, 2, 2}, {16, 33, 2, 3, 2, 3, 0, 1}, {3, 100, 1, 7, 1, 3, 0, 3},
    };

    @ParameterizedTest(name = "vector-{0}")
    @ValueSource(ints = {128, 256, 512})
    void avgPoolEqualsScalar(int bits) {
        VectorResample v = VectorResample.forBits(bits);
        for (int[] pz : POOLS) {
            int inH = pz[0], inW = pz[1], kH = pz[2], kW = pz[3], sH = pz[4], sW = pz[5], pH = pz[6], pW = pz[7];
            int outH = Resample.poolOutSize(inH, kH, sH, pH), outW = Resample.poolOutSize(inW, kW, sW, pW);
            int planes = 3;
            float[] x = Twins.gaussian(inH * 17L + inW, planes * inH * inW + 2, 1f);
            float[] want = new float[planes * outH * outW + 1], got = new float[want.length];
            ScalarResample.INSTANCE.avgPool2d(want, 1, x, 2, planes, inH, inW, kH, kW, sH, sW, pH, pW);
            v.avgPool2d(got, 1, x, 2, planes, inH, inW, kH, kW, sH, sW, pH, pW);
            Twins.assertSameBits("avg_pool2d " + java.util.Arrays.toString(pz) + " " + v.name(), want, got);
        }
    }

    @ParameterizedTest(name = "vector-{0}")
    @ValueSource(ints = {128, 256, 512})
    void adaptiveAvgPoolEqualsScalar(int bits) {
        VectorResample v = VectorResample.forBits(bits);
        // in → out: shrinking by non-divisors (overlapping windows), to 1×1, growing, equal, wide rows
        // (outputs under 8 columns go to the scalar twin itself)
        int[][] sizes = {{24, 24, 8, 8}, {13, 25, 4, 9}, {7, 7, 1, 1}, {5, 6, 9, 13}, {12, 12, 12, 12}, {4, 207, 3, 33},
            {9, 31, 2, 17}};
        for (int[] sz : sizes) {
            int inH = sz[0], inW = sz[1], outH = sz[2], outW = sz[3], planes = 2;
            float[] x = Twins.gaussian(inH * 13L + inW, planes * inH * inW + 1, 1f);
            float[] want = new float[planes * outH * outW], got = new float[want.length];
            ScalarResample.INSTANCE.adaptiveAvgPool2d(want, 0, x, 1, planes, inH, inW, outH, outW);
            v.adaptiveAvgPool2d(got, 0, x, 1, planes, inH, inW, outH, outW);
            Twins.assertSameBits("adaptive_avg_pool2d " + java.util.Arrays.toString(sz) + " " + v.name(), want, got);
        }
    }
}
