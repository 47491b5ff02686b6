package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.testing.Twins;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The NHWC vector kernel equals the scalar NCHW definition bit for bit, all widths, awkward C. */
class DepthwiseTwinTest {

    // kh, kw, sh, sw, ph, pw, dh, dw
    static final int[][] GEOMETRIES = {
        {7, 7, 1, 1, 3, 3, 1, 1},
        {3, 3, 2, 2, 1, 1, 1, 1},
        {5, 5, 1, 1, 4, 4, 2, 2},
        {3, 5, 2, 1, 0, 2, 1, 1},
        {2, 2, 2, 2, 0, 0, 3, 1},
    };

    static final int[] CHANNELS = {1, 4, 6, 13, 25, 48, 207};

    @ParameterizedTest(name = "vector-{0}")
    @ValueSource(ints = {128, 256, 512})
    void vectorEqualsScalar(int bits) {
        VectorDepthwiseConv v = VectorDepthwiseConv.forBits(bits);
        int n = 2, h = 9, w = 29;
        for (int[] g : GEOMETRIES) {
            for (int c : CHANNELS) {
                float[] x = Twins.gaussian(c * 7L + g[0], n * c * h * w + 3, 1f);
                float[] wt = Twins.gaussian(c * 11L + g[1], c * g[0] * g[1] + 1, 0.3f);
                float[] bias = Twins.gaussian(c, c + 2, 1f);
                int oh = DepthwiseConv.outSize("height", h, g[0], g[2], g[4], g[6]);
                int ow = DepthwiseConv.outSize("width", w, g[1], g[3], g[5], g[7]);
                for (boolean withBias : new boolean[] {true, false}) {
                    float[] want = new float[n * c * oh * ow + 1], got = new float[n * c * oh * ow + 1];
                    float[] b = withBias ? bias : null;
                    ScalarDepthwiseConv.INSTANCE.conv2d(want, 1, x, 3, wt, 1, b, 2, n, c, h, w,
                            g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]);
                    v.conv2d(got, 1, x, 3, wt, 1, b, 2, n, c, h, w, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]);
                    Twins.assertSameBits("depthwise c=" + c + " geometry " + java.util.Arrays.toString(g) + " bias="
                            + withBias + " " + v.name(), want, got);
                }
            }
        }
    }

    @ParameterizedTest(name = "row split vector-{0}")
    @ValueSource(ints = {128, 256, 512})
    void rowRangesPartitionTheOutput(int bits) {
        VectorDepthwiseConv v = VectorDepthwiseConv.forBits(bits);
        int n = 1, c = 25, h = 11, w = 21;
        float[] x = Twins.gaussian(1, n * h * w * c, 1f);
        float[] wt = Twins.gaussian(2, 49 * c, 0.3f);
        float[] whole = new float[n * h * w * c], parts = new float[n * h * w * c];
        v.conv2dNhwc(whole, 0, x, 0, wt, 0, null, 0, n, c, h, w, 7, 7, 1, 1, 3, 3, 1, 1, 0, h);
        v.conv2dNhwc(parts, 0, x, 0, wt, 0, null, 0, n, c, h, w, 7, 7, 1, 1, 3, 3, 1, 1, 0, 4);
        v.conv2dNhwc(parts, 0, x, 0, wt, 0, null, 0, n, c, h, w, 7, 7, 1, 1, 3, 3, 1, 1, 4, h);
        Twins.assertSameBits("row split", whole, parts);
        float[] scalar = new float[whole.length];
        ScalarDepthwiseConv.INSTANCE.conv2dNhwc(scalar, 0, x, 0, wt, 0, null, 0, n, c, h, w, 7, 7, 1, 1, 3, 3, 1, 1, 0, h);
        Twins.assertSameBits("nhwc scalar", scalar, whole);
    }
}
