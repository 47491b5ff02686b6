package dev.ocelli.kernels.gemm.steps;

/**
 * GEMM teaching version 4: version 3 plus cache blocking, the Goto/BLIS loop nest
 * jc (NC) → pc (KC) → ic (MC) → jr (NR) → ir (MR). A KC × NR strip of packed B stays in L1 while
 * it meets every MR strip of the MC × KC packed A block (in L2); KC-blocking turns the single
 * long K pass into KC-long passes that add into C. Packed buffers are reused per thread.
 * Row-major, contiguous.
 *
 * <p>The final version ({@link dev.ocelli.kernels.gemm.VectorGemm}) adds a 12-row tile, 64-byte
 * aligned native packed buffers, any operand strides, threads and the fused epilogue.
 */
public final class GemmV4Blocked {
    private GemmV4Blocked() {}

    /** The blocking v5 uses (docs/kernels/gemm.md §4 says why): A block 48×1024 in L2, B block 1024×2048 in L3. */
    static final int MC = 48, KC = 1024, NC = 2048;
    private static final int MR = GemmV3Packed.MR, NR = GemmV3Packed.NR;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {
            new float[MC * KC], new float[KC * NC], new float[MR * NR]});

    public static void multiply(float[] c, float[] a, float[] b, int m, int n, int k) {
        float[][] bufs = BUFFERS.get();
        float[] ap = bufs[0], bp = bufs[1], tile = bufs[2];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                GemmV3Packed.packB(b, n, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    GemmV3Packed.packA(a, k, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir), cols = Math.min(NR, nc - jr);
                            int ci = (ic + ir) * n + jc + jr;
                            if (rows == MR && cols == NR) {
                                // full tile: the kernel adds straight into C (after the first K block)
                                GemmV3Packed.kernel(kc, ap, ir * kc, bp, jr * kc, c, ci, n, pc > 0);
                            } else {
                                GemmV3Packed.kernel(kc, ap, ir * kc, bp, jr * kc, tile);
                                for (int r = 0; r < rows; r++) {
                                    for (int j = 0; j < cols; j++) {
                                        c[ci + r * n + j] = pc == 0 ? tile[r * NR + j] : c[ci + r * n + j] + tile[r * NR + j];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
