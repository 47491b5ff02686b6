package dev.ocelli.kernels.conv;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Against testdata/gen/ops_conv_depthwise.py: F.conv2d(..., groups=C) with stride/padding/dilation combos. */
class DepthwiseReferenceTest {

    static final String[] CASES = {"k7_p3_c19", "k3_s2_p1_c8", "k5_d2_p4_c5", "k3x5_s2x1_p0x2_c33",
        "k7_p3_c48_16x16", "k2_s2_p0_c7_d3x1"};

    static Stream<Arguments> impls() {
        return Stream.of(Arguments.of(ScalarDepthwiseConv.INSTANCE), Arguments.of(VectorDepthwiseConv.preferred()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void matchesPyTorch(DepthwiseConv impl) {
        for (String name : CASES) {
            try (ReferenceCase c = ReferenceData.load("ops/conv/dw_" + name)) {
                long[] xs = c.tensor("input").shape(), ws = c.tensor("weight").shape(), ys = c.tensor("output").shape();
                int[] s = pair(c.meta("stride")), p = pair(c.meta("padding")), d = pair(c.meta("dilation"));
                float[] y = new float[(int) (ys[0] * ys[1] * ys[2] * ys[3])];
                impl.conv2d(y, 0, c.floats("input"), 0, c.floats("weight"), 0, c.has("bias") ? c.floats("bias") : null, 0,
                        (int) xs[0], (int) xs[1], (int) xs[2], (int) xs[3], (int) ws[2], (int) ws[3],
                        s[0], s[1], p[0], p[1], d[0], d[1]);
                Tolerance.assertClose("depthwise " + name + " " + impl.name(), c.floats("output"), y, ys, 1e-5, 1e-5);
            }
        }
    }

    private static int[] pair(String s) {
        String[] p = s.split(",");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
}
