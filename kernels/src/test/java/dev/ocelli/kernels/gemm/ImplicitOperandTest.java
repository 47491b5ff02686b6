package dev.ocelli.kernels.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packing hook: a B operand given only as a {@link PanelSource} (its default {@code packB}
 * gathers through {@code get}) produces exactly the packed panels, hence exactly the bits, of
 * the same matrix given as memory; on every backend, width, blocking and thread count.
 */
class ImplicitOperandTest {

    @ParameterizedTest(name = "{0} bits, {1} threads, m={2} n={3} k={4}")
    @CsvSource({"512,1,37,70,300", "512,2,96,257,513", "256,2,13,33,7", "128,1,5,100,64", "128,2,50,9,129"})
    void implicitOperandEqualsTheMatrixBitForBit(int bits, int threads, int m, int n, int k) {
        Random r = new Random(bits + 31L * n);
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        PanelSource src = (i, j) -> b[(int) (i * n + j)];
        Operand implicit = Operand.implicit(src);
        for (Gemm g : new Gemm[] {new VectorGemm(bits, threads), new VectorGemm(bits, threads, 8, 40, 48), new ScalarGemm()}) {
            float[] want = new float[m * n], got = new float[m * n];
            g.gemm(want, 0, n, Operand.rowMajor(a, 0, k), Operand.rowMajor(b, 0, n), m, n, k);
            g.gemm(got, 0, n, Operand.rowMajor(a, 0, k), implicit, m, n, k);
            assertThat(got).as(g.name()).isEqualTo(want);
            // and on the A side (element-wise fallback packing)
            float[] t = new float[n * m], tw = new float[n * m];
            PanelSource aT = (i, j) -> b[(int) (j * n + i)]; // Bᵀ, n×k
            g.gemm(t, 0, m, Operand.implicit(aT), Operand.rowMajor(a, 0, k).t(), n, m, k);
            g.gemm(tw, 0, m, Operand.rowMajor(b, 0, n).t(), Operand.rowMajor(a, 0, k).t(), n, m, k);
            assertThat(t).as(g.name() + " implicit A").isEqualTo(tw);
        }
        assertThatThrownBy(implicit::t).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> implicit.shift(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(implicit.shift(0)).isSameAs(implicit);
    }
}
