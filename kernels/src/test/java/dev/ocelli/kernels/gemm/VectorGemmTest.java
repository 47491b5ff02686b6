package dev.ocelli.kernels.gemm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vector GEMM (v5) against v0 on awkward sizes, for the 128-, 256- and 512-bit microkernels
 * and 1 and 2 threads, plus bitwise equality between thread counts.
 */
class VectorGemmTest {

    static final int[] SIZES = {1, 2, 3, 5, 13, 16, 17, 31, 64, 100, 207, 577, 702, 1025, 2049};
    static final int[] BITS = {128, 256, 512};

    /** Each size as M, as N and as K beside small odd others; full cubes up to 207; a few larger mixes. */
    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (int s : SIZES) {
            out.add(Arguments.of(s, 13, 17));
            out.add(Arguments.of(19, s, 5));
            out.add(Arguments.of(7, 33, s));
            if (s <= 207) {
                out.add(Arguments.of(s, s, s));
            }
        }
        out.add(Arguments.of(577, 577, 577));   // a full cube at the ViT token count
        out.add(Arguments.of(577, 577, 64));    // attention Q·Kᵀ of one head
        out.add(Arguments.of(577, 64, 577));    // attention P·V
        out.add(Arguments.of(100, 702, 1025));  // several KC blocks, NR edges
        out.add(Arguments.of(207, 2049, 31));   // several NC blocks
        out.add(Arguments.of(577, 100, 300));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("shapes")
    void matchesReferenceOnEveryWidthAndThreadCount(int m, int n, int k) {
        float[] a = GemmCheck.random(m * k, 1 + m), b = GemmCheck.random(k * n, 2 + n);
        float[] want = new float[m * n];
        new ScalarGemm().gemm(want, 0, n, Operand.rowMajor(a, 0, k), Operand.rowMajor(b, 0, n), m, n, k);
        for (int bits : BITS) {
            float[] one = null;
            for (int threads = 1; threads <= 2; threads++) {
                float[] got = new float[m * n];
                new VectorGemm(bits, threads).gemm(got, 0, n, Operand.rowMajor(a, 0, k), Operand.rowMajor(b, 0, n), m, n, k);
                GemmCheck.assertClose(bits + "-bit, " + threads + " thread(s)", got, want, 0, n, m, n, k);
                if (one == null) {
                    one = got;
                } else {
                    assertThat(got).as("%d-bit: 2 threads bitwise equal to 1 thread", bits).isEqualTo(one);
                }
            }
        }
    }

    /** Determinism on a production-size shape that really splits across threads (ViT-L qkv, Linear form). */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("bigShapes")
    void bitwiseIdenticalAcrossThreadCounts(int m, int n, int k) {
        float[] x = GemmCheck.random(m * k, 11), w = GemmCheck.random(n * k, 12), bias = GemmCheck.random(n, 13);
        Epilogue ep = Epilogue.bias(bias, 0).activation(Activation.GELU_ERF);
        float[] c1 = new float[m * n], c2 = new float[m * n], c3 = new float[m * n];
        new VectorGemm(512, 1).gemm(c1, 0, n, Operand.rowMajor(x, 0, k), Operand.rowMajor(w, 0, k).t(), m, n, k, false, ep);
        new VectorGemm(512, 2).gemm(c2, 0, n, Operand.rowMajor(x, 0, k), Operand.rowMajor(w, 0, k).t(), m, n, k, false, ep);
        new VectorGemm(512, 3).gemm(c3, 0, n, Operand.rowMajor(x, 0, k), Operand.rowMajor(w, 0, k).t(), m, n, k, false, ep);
        assertThat(c2).isEqualTo(c1);
        assertThat(c3).isEqualTo(c1);
    }

    static Stream<Arguments> bigShapes() {
        return Stream.of(Arguments.of(577, 3072, 1024), Arguments.of(2049, 96, 300));
    }
}
