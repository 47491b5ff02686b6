package dev.ocelli.kernels.gemm.steps;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM teaching version 1: the naive loop reordered to i-k-j so the innermost loop walks a row
 * of B and a row of C contiguously, with one vector FMA per {@code lanes} columns.
 * Row-major, contiguous: C (M, N) = A (M, K) · B (K, N).
 *
 * <pre>{@code
 * // scalar twin:  for i, for p: a = A[i][p]; for j: C[i][j] += a * B[p][j]
 * }</pre>
 * Why it is still slow: every FMA loads and stores its C vector (2 memory ops per FMA) and each
 * row of B is re-read from L2/L3 for every i; the FMA units wait on memory.
 */
public final class GemmV1IkjVector {
    private GemmV1IkjVector() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    public static void multiply(float[] c, float[] a, float[] b, int m, int n, int k) {
        java.util.Arrays.fill(c, 0, m * n, 0f);
        int upper = S.loopBound(n);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                FloatVector av = FloatVector.broadcast(S, aip);
                int j = 0;
                for (; j < upper; j += S.length()) {
                    FloatVector cv = FloatVector.fromArray(S, c, i * n + j);
                    av.fma(FloatVector.fromArray(S, b, p * n + j), cv).intoArray(c, i * n + j);
                }
                // scalar tail
                for (; j < n; j++) {
                    c[i * n + j] = Math.fma(aip, b[p * n + j], c[i * n + j]);
                }
            }
        }
    }
}
