package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.testing.Twins;
import dev.ocelli.testdata.Tolerance;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stride-1 NCHW depthwise kernel equals its scalar twin bit for bit (same FMA order; padded
 * taps add 0), at every vector width: 128, 256 and 512 bits, whatever the machine prefers.
 */
class DepthwiseNchwTest {

    /**
     * n, c, h, w, kh, kw, ph, pw, dh, dw: ConvNeXt's 7×7 pad 3, rows narrower than one 128-bit
     * vector, rows of 4·L ± 1 for each width L (the 4-vector block, the single-vector loop and the
     * masked tail), dilation, asymmetric kernels and padding.
     */
    static final int[][] SHAPES = {
        {1, 19, 13, 17, 7, 7, 3, 3, 1, 1}, {2, 5, 31, 33, 3, 3, 1, 1, 1, 1}, {1, 3, 40, 15, 5, 3, 4, 0, 2, 1},
        {1, 8, 7, 70, 7, 7, 3, 3, 1, 2}, {1, 2, 1, 1, 1, 1, 0, 0, 1, 1}, {3, 4, 9, 16, 2, 4, 0, 3, 1, 1},
        {1, 3, 5, 3, 3, 3, 1, 1, 1, 1}, {1, 2, 6, 15, 7, 7, 3, 3, 1, 1}, {1, 2, 6, 17, 7, 7, 3, 3, 1, 1},
        {1, 2, 5, 31, 3, 3, 1, 1, 1, 1}, {1, 2, 5, 65, 7, 7, 3, 3, 1, 1}, {1, 2, 4, 63, 1, 1, 0, 0, 1, 1},
        {2, 3, 11, 129, 7, 7, 3, 3, 1, 1},
    };

    static Stream<Arguments> cases() {
        return IntStream.of(Twins.WIDTHS).boxed()
                .flatMap(bits -> Stream.of(SHAPES).map(sh -> Arguments.of(bits, sh)));
    }

    @ParameterizedTest(name = "{0}-bit {1}")
    @MethodSource("cases")
    void equalsScalarTwin(int bits, int[] sh) {
        int n = sh[0], c = sh[1], h = sh[2], w = sh[3], kh = sh[4], kw = sh[5], ph = sh[6], pw = sh[7], dh = sh[8],
                dw = sh[9];
        Random r = new Random(h * 31L + w + 7L * bits);
        ConvShape s = new ConvShape(n, c, h, w, c, kh, kw, 1, 1, ph, pw, dh, dw, c);
        float[] x = Conv2dTest.randn(r, n * c * h * w), wt = Conv2dTest.randn(r, c * kh * kw), b = Conv2dTest.randn(r, c);
        float[] want = new float[n * c * s.oh() * s.ow()], got = new float[want.length];
        ScalarDepthwiseConv.INSTANCE.conv2d(want, 0, x, 0, wt, 0, b, 0, n, c, h, w, kh, kw, 1, 1, ph, pw, dh, dw);
        DepthwiseNchw.conv2d(bits, got, 0, x, 0, wt, 0, b, 0, s);
        Tolerance.assertClose("depthwise NCHW " + bits + "-bit " + s, want, got, 0, 0);
    }
}
