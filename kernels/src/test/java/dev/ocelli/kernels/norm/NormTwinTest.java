package dev.ocelli.kernels.norm;

import dev.ocelli.kernels.testing.Twins;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Vector norms equal the double-accumulating scalar twin within a tight tolerance, all widths. */
class NormTwinTest {

    @ParameterizedTest(name = "layerNorm vector-{0}")
    @ValueSource(ints = {128, 256, 512})
    void layerNorm(int bits) {
        VectorNorms v = VectorNorms.forBits(bits);
        for (int dim : Twins.SIZES) {
            int rows = 3;
            float[] x = Twins.gaussian(dim, rows * dim + 5, 2f);
            for (int i = 0; i < x.length; i++) {
                x[i] += 3f; // a large mean: the two-pass variance must not cancel
            }
            float[] w = Twins.gaussian(dim + 1, dim + 1, 1f);
            float[] b = Twins.gaussian(dim + 2, dim + 2, 1f);
            for (int variant = 0; variant < 3; variant++) {
                float[] ww = variant == 2 ? null : w;
                float[] bb = variant >= 1 ? null : b;
                float[] want = new float[rows * dim + 2], got = new float[rows * dim + 2];
                ScalarNorms.INSTANCE.layerNorm(want, 2, x, 5, ww, 1, bb, 2, rows, dim, 1e-5f);
                v.layerNorm(got, 2, x, 5, ww, 1, bb, 2, rows, dim, 1e-5f);
                Twins.assertClose("layerNorm dim=" + dim + " variant=" + variant + " " + v.name(), want, got, 2e-5, 2e-5);
                // in place
                float[] inPlace = Arrays.copyOf(x, x.length);
                v.layerNorm(inPlace, 5, inPlace, 5, ww, 1, bb, 2, rows, dim, 1e-5f);
                Twins.assertClose("layerNorm in place dim=" + dim, Arrays.copyOfRange(want, 2, want.length),
                        Arrays.copyOfRange(inPlace, 5, 5 + rows * dim), 2e-5, 2e-5);
            }
        }
    }

    @ParameterizedTest(name = "layerNorm2d vector-{0}")
    @ValueSource(ints = {128, 256, 512})
    void layerNorm2d(int bits) {
        VectorNorms v = VectorNorms.forBits(bits);
        for (int pixels : Twins.SIZES) {
            int batch = 2, channels = 13;
            float[] x = Twins.gaussian(pixels, batch * channels * pixels + 1, 2f);
            float[] w = Twins.gaussian(3, channels, 1f);
            float[] b = Twins.gaussian(4, channels, 1f);
            float[] want = new float[x.length - 1], got = new float[x.length - 1];
            ScalarNorms.INSTANCE.layerNorm2d(want, 0, x, 1, w, 0, b, 0, batch, channels, pixels, 1e-6f);
            v.layerNorm2d(got, 0, x, 1, w, 0, b, 0, batch, channels, pixels, 1e-6f);
            Twins.assertClose("layerNorm2d pixels=" + pixels + " " + v.name(), want, got, 2e-5, 2e-5);
        }
    }

    @ParameterizedTest(name = "softmax vector-{0}")
    @ValueSource(ints = {128, 256, 512})
    void softmax(int bits) {
        VectorNorms v = VectorNorms.forBits(bits);
        for (int n : Twins.SIZES) {
            // over the last dim (inner = 1) and over a middle dim (inner = n)
            int[][] shapes = {{3, n, 1}, {2, 7, n}};
            for (int[] sh : shapes) {
                int total = sh[0] * sh[1] * sh[2];
                float[] x = Twins.gaussian(n + sh[1], total, 4f);
                float[] want = new float[total], got = new float[total];
                ScalarNorms.INSTANCE.softmax(want, 0, x, 0, sh[0], sh[1], sh[2]);
                v.softmax(got, 0, x, 0, sh[0], sh[1], sh[2]);
                Twins.assertClose("softmax " + Arrays.toString(sh) + " " + v.name(), want, got, 1e-7, 1e-5);
            }
        }
    }
}
