package dev.ocelli.kernels.gemm.steps;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM teaching version 2: a 4 × (2·lanes) register tile. Eight accumulator vectors stay in
 * registers for the whole K loop; each step loads 2 B vectors and 4 A scalars for 8 FMAs, and C
 * is touched once per tile instead of once per FMA. Row-major, contiguous.
 *
 * <p>Still missing: B's rows are read with stride N and A's columns with stride K straight from
 * the matrices, so for large N each step touches new cache lines and TLB pages (no packing), and
 * nothing keeps the reused data in a given cache level (no blocking). Edges (M % 4, N % 2·lanes)
 * fall back to version 1's loop.
 */
public final class GemmV2RegisterTile {
    private GemmV2RegisterTile() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int MR = 4;
    static final int NR = 2 * S.length();

    public static void multiply(float[] c, float[] a, float[] b, int m, int n, int k) {
        java.util.Arrays.fill(c, 0, m * n, 0f);
        int mFull = m - m % MR, nFull = n - n % NR;
        int L = S.length();
        for (int i = 0; i < mFull; i += MR) {
            for (int j = 0; j < nFull; j += NR) {
                FloatVector c0a = FloatVector.zero(S), c0b = c0a, c1a = c0a, c1b = c0a;
                FloatVector c2a = c0a, c2b = c0a, c3a = c0a, c3b = c0a;
                for (int p = 0; p < k; p++) {
                    FloatVector b0 = FloatVector.fromArray(S, b, p * n + j);
                    FloatVector b1 = FloatVector.fromArray(S, b, p * n + j + L);
                    FloatVector a0 = FloatVector.broadcast(S, a[i * k + p]);
                    FloatVector a1 = FloatVector.broadcast(S, a[(i + 1) * k + p]);
                    FloatVector a2 = FloatVector.broadcast(S, a[(i + 2) * k + p]);
                    FloatVector a3 = FloatVector.broadcast(S, a[(i + 3) * k + p]);
                    c0a = a0.fma(b0, c0a); c0b = a0.fma(b1, c0b);
                    c1a = a1.fma(b0, c1a); c1b = a1.fma(b1, c1b);
                    c2a = a2.fma(b0, c2a); c2b = a2.fma(b1, c2b);
                    c3a = a3.fma(b0, c3a); c3b = a3.fma(b1, c3b);
                }
                c0a.intoArray(c, i * n + j); c0b.intoArray(c, i * n + j + L);
                c1a.intoArray(c, (i + 1) * n + j); c1b.intoArray(c, (i + 1) * n + j + L);
                c2a.intoArray(c, (i + 2) * n + j); c2b.intoArray(c, (i + 2) * n + j + L);
                c3a.intoArray(c, (i + 3) * n + j); c3b.intoArray(c, (i + 3) * n + j + L);
            }
        }
        // edges: scalar i-k-j over the right strip and the bottom strip
        for (int i = 0; i < m; i++) {
            int jStart = i < mFull ? nFull : 0;
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                for (int j = jStart; j < n; j++) {
                    c[i * n + j] = Math.fma(aip, b[p * n + j], c[i * n + j]);
                }
            }
        }
    }
}
