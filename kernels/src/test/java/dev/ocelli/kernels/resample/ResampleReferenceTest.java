package dev.ocelli.kernels.resample;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Against testdata/gen/ops_resample.py (PyTorch 1.13): x [2,3,11,17] resized to 23x40 (up),
 * 5x7 (down), 20x9 (up in H, down in W), 11x17 (same) and 1x1, every mode and align_corners.
 */
class ResampleReferenceTest {

    static Stream<Arguments> impls() {
        return Stream.of(Arguments.of(ScalarResample.INSTANCE), Arguments.of(VectorResample.preferred()));
    }

    static float[] resize(Resample r, Interp mode, boolean ac, float[] x, int planes, int h, int w, int oh, int ow) {
        float[] y = new float[planes * oh * ow];
        r.interpolate(mode, ac, y, 0, x, 0, planes, h, w, oh, ow);
        return y;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void interpolate(Resample impl) {
        try (ReferenceCase c = ReferenceData.load("ops/resample/interpolate_2x3x11x17")) {
            float[] x = c.floats("input");
            for (String size : c.meta("sizes").split(" ")) {
                int oh = Integer.parseInt(size.split("x")[0]), ow = Integer.parseInt(size.split("x")[1]);
                check(c, "nearest_" + size, resize(impl, Interp.NEAREST, false, x, 6, 11, 17, oh, ow), 0, 0);
                for (boolean ac : new boolean[] {false, true}) {
                    String a = ac ? "_ac" : "";
                    // weights and index math mirror PyTorch's float code; differences are summation order
                    check(c, "bilinear" + a + "_" + size, resize(impl, Interp.BILINEAR, ac, x, 6, 11, 17, oh, ow), 1e-5, 1e-5);
                    check(c, "bicubic" + a + "_" + size, resize(impl, Interp.BICUBIC, ac, x, 6, 11, 17, oh, ow), 1e-5, 1e-5);
                    check(c, "bicubic_aa" + a + "_" + size, resize(impl, Interp.BICUBIC_AA, ac, x, 6, 11, 17, oh, ow), 1e-5, 1e-5);
                }
            }
        }
    }

    private static void check(ReferenceCase c, String name, float[] got, double atol, double rtol) {
        Tolerance.assertClose(name, c.floats(name), got, c.tensor(name).shape(), atol, rtol);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void positionEmbeddingAntialias(Resample impl) {
        try (ReferenceCase c = ReferenceData.load("ops/resample/pos_embed_aa")) {
            float[] x = c.floats("input");
            check(c, "down_16x16", resize(impl, Interp.BICUBIC_AA, false, x, 8, 24, 24, 16, 16), 1e-5, 1e-5);
            check(c, "up_37x37", resize(impl, Interp.BICUBIC_AA, false, x, 8, 24, 24, 37, 37), 1e-5, 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void pooling(Resample impl) {
        try (ReferenceCase c = ReferenceData.load("ops/resample/pool_2x3x11x17")) {
            float[] x = c.floats("input");
            for (String name : c.names()) {
                if (name.startsWith("avg_")) {
                    // avg_k{kh}x{kw}_s{sh}x{sw}_p{ph}x{pw}
                    String[] p = name.substring(4).split("_");
                    int[] k = pair(p[0].substring(1)), s = pair(p[1].substring(1)), pad = pair(p[2].substring(1));
                    int oh = Resample.poolOutSize(11, k[0], s[0], pad[0]), ow = Resample.poolOutSize(17, k[1], s[1], pad[1]);
                    float[] y = new float[6 * oh * ow];
                    impl.avgPool2d(y, 0, x, 0, 6, 11, 17, k[0], k[1], s[0], s[1], pad[0], pad[1]);
                    check(c, name, y, 1e-6, 1e-5);
                } else if (name.startsWith("adaptive_")) {
                    int[] o = pair(name.substring(9));
                    float[] y = new float[6 * o[0] * o[1]];
                    impl.adaptiveAvgPool2d(y, 0, x, 0, 6, 11, 17, o[0], o[1]);
                    check(c, name, y, 1e-6, 1e-5);
                }
            }
        }
    }

    private static int[] pair(String s) {
        String[] p = s.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
}
