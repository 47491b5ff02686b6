package dev.ocelli.kernels.conv;

import dev.ocelli.testdata.Tolerance;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stride-1 NCHW depthwise kernel equals its scalar twin bit for bit (same FMA order; padded taps add 0). */
class DepthwiseNchwTest {

    @ParameterizedTest(name = "n={0} c={1} {2}x{3} k={4}x{5} p={6}x{7} d={8}x{9}")
    @CsvSource({"1,19,13,17,7,7,3,3,1,1", "2,5,31,33,3,3,1,1,1,1", "1,3,40,15,5,3,4,0,2,1", "1,8,7,70,7,7,3,3,1,2",
        "1,2,1,1,1,1,0,0,1,1", "3,4,9,16,2,4,0,3,1,1"})
    void equalsScalarTwin(int n, int c, int h, int w, int kh, int kw, int ph, int pw, int dh, int dw) {
        Random r = new Random(h * 31L + w);
        ConvShape s = new ConvShape(n, c, h, w, c, kh, kw, 1, 1, ph, pw, dh, dw, c);
        float[] x = Conv2dTest.randn(r, n * c * h * w), wt = Conv2dTest.randn(r, c * kh * kw), b = Conv2dTest.randn(r, c);
        float[] want = new float[n * c * s.oh() * s.ow()], got = new float[want.length];
        ScalarDepthwiseConv.INSTANCE.conv2d(want, 0, x, 0, wt, 0, b, 0, n, c, h, w, kh, kw, 1, 1, ph, pw, dh, dw);
        DepthwiseNchw.conv2d(got, 0, x, 0, wt, 0, b, 0, s);
        Tolerance.assertClose("depthwise NCHW " + s, want, got, 0, 0);
    }
}
