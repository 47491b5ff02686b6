package dev.ocelli.kernels.gemm.steps;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM teaching version 3: version 2's idea with a bigger 8 × (2·lanes) tile, fed from packed
 * copies of A and B. Packing lays each MR-row strip of A and each NR-column strip of B out in
 * exactly the order the microkernel reads them (one contiguous stream each), zero-padded to
 * full tiles so the kernel needs no edge code. Row-major, contiguous.
 *
 * <p>Still missing: the whole K is one block, so for large K one B strip (K × NR) no longer fits
 * in L1 and one A strip per tile is streamed from memory; the packed copies are allocated per call.
 */
public final class GemmV3Packed {
    private GemmV3Packed() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int MR = 8;
    static final int NR = 2 * S.length();

    public static void multiply(float[] c, float[] a, float[] b, int m, int n, int k) {
        int mp = (m + MR - 1) / MR * MR, np = (n + NR - 1) / NR * NR;
        float[] ap = new float[mp * k];
        float[] bp = new float[k * np];
        packA(a, k, 0, m, 0, k, ap);
        packB(b, n, 0, k, 0, n, bp);
        float[] tile = new float[MR * NR];
        for (int j = 0; j < n; j += NR) {
            for (int i = 0; i < m; i += MR) {
                kernel(k, ap, i * k, bp, j * k, tile);
                int rows = Math.min(MR, m - i), cols = Math.min(NR, n - j);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(tile, r * NR, c, (i + r) * n + j, cols);
                }
            }
        }
    }

    /** A rows [i0, i0+mc) × cols [p0, p0+kc) into MR-row panels, element (r, p) at panel + p*MR + r. */
    static void packA(float[] a, int lda, int i0, int mc, int p0, int kc, float[] ap) {
        for (int q = 0; q < mc; q += MR) {
            int base = q * kc;
            for (int p = 0; p < kc; p++) {
                for (int r = 0; r < MR; r++) {
                    ap[base + p * MR + r] = q + r < mc ? a[(i0 + q + r) * lda + p0 + p] : 0f;
                }
            }
        }
    }

    /** B rows [p0, p0+kc) × cols [j0, j0+nc) into NR-column panels, element (p, j) at panel + p*NR + j. */
    static void packB(float[] b, int ldb, int p0, int kc, int j0, int nc, float[] bp) {
        for (int q = 0; q < nc; q += NR) {
            int base = q * kc;
            for (int p = 0; p < kc; p++) {
                for (int j = 0; j < NR; j++) {
                    bp[base + p * NR + j] = q + j < nc ? b[(p0 + p) * ldb + j0 + q + j] : 0f;
                }
            }
        }
    }

    /** tile (MR × NR, row-major) = Apanel · Bpanel over kc steps. */
    static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        kernel(kc, ap, ai, bp, bi, tile, 0, NR, false);
    }

    private static void store(FloatVector x, float[] c, int idx, boolean add) {
        (add ? x.add(FloatVector.fromArray(S, c, idx)) : x).intoArray(c, idx);
    }

    /** C[0:MR, 0:NR] (+)= Apanel · Bpanel; C row r starts at {@code c[cOff + r*ldc]}. */
    static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int cOff, int ldc, boolean add) {
        int L = S.length();
        FloatVector c0a = FloatVector.zero(S), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a, c3a = c0a, c3b = c0a;
        FloatVector c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a, c6a = c0a, c6b = c0a, c7a = c0a, c7b = c0a;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c0a = a0.fma(b0, c0a); c0b = a0.fma(b1, c0b);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c1a = a1.fma(b0, c1a); c1b = a1.fma(b1, c1b);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c2a = a2.fma(b0, c2a); c2b = a2.fma(b1, c2b);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c3a = a3.fma(b0, c3a); c3b = a3.fma(b1, c3b);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c4a = a4.fma(b0, c4a); c4b = a4.fma(b1, c4b);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c5a = a5.fma(b0, c5a); c5b = a5.fma(b1, c5b);
            FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
            c6a = a6.fma(b0, c6a); c6b = a6.fma(b1, c6b);
            FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
            c7a = a7.fma(b0, c7a); c7b = a7.fma(b1, c7b);
        }
        store(c0a, c, cOff, add);
        store(c0b, c, cOff + L, add);
        store(c1a, c, cOff + 1 * ldc, add);
        store(c1b, c, cOff + 1 * ldc + L, add);
        store(c2a, c, cOff + 2 * ldc, add);
        store(c2b, c, cOff + 2 * ldc + L, add);
        store(c3a, c, cOff + 3 * ldc, add);
        store(c3b, c, cOff + 3 * ldc + L, add);
        store(c4a, c, cOff + 4 * ldc, add);
        store(c4b, c, cOff + 4 * ldc + L, add);
        store(c5a, c, cOff + 5 * ldc, add);
        store(c5b, c, cOff + 5 * ldc + L, add);
        store(c6a, c, cOff + 6 * ldc, add);
        store(c6b, c, cOff + 6 * ldc + L, add);
        store(c7a, c, cOff + 7 * ldc, add);
        store(c7b, c, cOff + 7 * ldc + L, add);
    }
}
