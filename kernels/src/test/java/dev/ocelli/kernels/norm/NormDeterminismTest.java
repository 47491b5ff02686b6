package dev.ocelli.kernels.norm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same input must give the same bits on every call, before and after the JIT compiles the
 * kernel. {@code reduceLanes(ADD)} broke this (the interpreter and C2 sum the lanes in different
 * orders), which made two identical encoder forwards differ in the last bit; the kernels now sum
 * lanes in a fixed tree. The loop runs long enough for C2 to compile the row loop.
 */
class NormDeterminismTest {

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void layerNormAndSoftmaxGiveTheSameBitsInEveryJitTier(int bits) {
        Norms norms = VectorNorms.forBits(bits);
        int rows = 3;
        int dim = 333;
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[rows * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 20 - 10);
        }
        float[] first = new float[x.length];
        float[] firstSoftmax = new float[x.length];
        norms.layerNorm(first, 0, x, 0, null, 0, null, 0, rows, dim, 1e-5f);
        norms.softmax(firstSoftmax, 0, x, 0, rows, dim, 1);
        float[] y = new float[x.length];
        float[] s = new float[x.length];
        for (int call = 0; call < 20_000; call++) {
            norms.layerNorm(y, 0, x, 0, null, 0, null, 0, rows, dim, 1e-5f);
            norms.softmax(s, 0, x, 0, rows, dim, 1);
            if (!Arrays.equals(y, first) || !Arrays.equals(s, firstSoftmax)) {
                assertThat(call).as("call at which the result changed").isNegative();
            }
        }
    }
}
