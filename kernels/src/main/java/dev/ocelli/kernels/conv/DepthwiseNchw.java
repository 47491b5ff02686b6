package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise conv2d with stride 1 directly in NCHW, lanes along the output width: no layout
 * transposes at all. Used by {@link Conv2d}'s DEPTHWISE route for stride 1 (ConvNeXt's and the
 * MR-Adapter's 7×7, padding 3); other strides go through {@link VectorDepthwiseConv} (NHWC).
 *
 * <p>Why: at 192 channels × 192², the two NCHW↔NHWC transposes of the channels-last kernel move
 * 2 × 28 MB and cost more than the 0.35 GFLOP of the convolution. Here each channel plane is
 * copied once into a zero-padded plane in per-thread scratch (≈ 150 KB, stays in L2), and then
 * <pre>
 *   out[oy, ox .. ox+L) = bias + Σ_{ky, kx} w[ky, kx] · pad[oy + ky·dH, ox + kx·dW .. +L)
 * </pre>
 * one unaligned vector load and one FMA per tap; both units run two per cycle on Zen 5, so
 * blocking several rows to share loads would not help. The padding makes every tap a plain load
 * (no border code); the last vector of a row is masked.
 *
 * <p>Order: bias, then taps in (ky, kx) order with FMA, as {@link ScalarDepthwiseConv}; padded taps
 * add w·0 = 0, so results match it (bit for bit for finite weights, except the sign of zero).
 * Planes are split over the engine pool's threads.
 */
final class DepthwiseNchw {
    private DepthwiseNchw() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ThreadLocal<float[][]> PAD = ThreadLocal.withInitial(() -> new float[1][0]);

    static boolean applies(ConvShape s) {
        return s.sh() == 1 && s.sw() == 1;
    }

    /** x [N, C, H, W], weight [C, KH·KW] at wOff, bias [C] or null, out [N, C, OH, OW]; stride 1. */
    static void conv2d(float[] out, int outOff, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                       ConvShape s) {
        int planes = s.n() * s.c();
        WorkerPool pool = WorkerPool.shared();
        int tasks = Math.min(planes, 8 * pool.threads());
        pool.run(tasks, pool.threads(), t -> {
            for (int pl = planes * t / tasks, end = planes * (t + 1) / tasks; pl < end; pl++) {
                int ch = pl % s.c();
                plane(out, outOff + pl * s.oh() * s.ow(), x, xOff + pl * s.h() * s.w(), w, wOff + ch * s.kh() * s.kw(),
                        bias == null ? 0f : bias[bOff + ch], s);
            }
        });
    }

    private static void plane(float[] out, int outOff, float[] x, int xOff, float[] w, int wOff, float b, ConvShape s) {
        int h = s.h(), wd = s.w(), ph = s.ph(), pw = s.pw(), kh = s.kh(), kw = s.kw(), dh = s.dh(), dw = s.dw();
        int oh = s.oh(), ow = s.ow();
        int pH = h + 2 * ph, pW = wd + 2 * pw;
        float[][] holder = PAD.get();
        if (holder[0].length < pH * pW) {
            holder[0] = new float[pH * pW];
        }
        float[] pad = holder[0];
        // zero-padded copy of the plane: borders zeroed, interior rows copied
        java.util.Arrays.fill(pad, 0, ph * pW, 0f);
        for (int y = 0; y < h; y++) {
            int r = (y + ph) * pW;
            java.util.Arrays.fill(pad, r, r + pw, 0f);
            System.arraycopy(x, xOff + y * wd, pad, r + pw, wd);
            java.util.Arrays.fill(pad, r + pw + wd, r + pW, 0f);
        }
        java.util.Arrays.fill(pad, (h + ph) * pW, pH * pW, 0f);
        int lanes = S.length();
        FloatVector bv = FloatVector.broadcast(S, b);
        int full = ow - ow % lanes;
        for (int oy = 0; oy < oh; oy++) {
            int o = outOff + oy * ow;
            int ox = 0;
            // 4 vectors along the row share each tap's weight broadcast (register blocking along the width)
            for (; ox + 4 * lanes <= full; ox += 4 * lanes) {
                FloatVector a0 = bv, a1 = bv, a2 = bv, a3 = bv;
                for (int ky = 0; ky < kh; ky++) {
                    int row = (oy + ky * dh) * pW + ox;
                    int wr = wOff + ky * kw;
                    for (int kx = 0; kx < kw; kx++) {
                        FloatVector wv = FloatVector.broadcast(S, w[wr + kx]);
                        int i = row + kx * dw;
                        a0 = FloatVector.fromArray(S, pad, i).fma(wv, a0);
                        a1 = FloatVector.fromArray(S, pad, i + lanes).fma(wv, a1);
                        a2 = FloatVector.fromArray(S, pad, i + 2 * lanes).fma(wv, a2);
                        a3 = FloatVector.fromArray(S, pad, i + 3 * lanes).fma(wv, a3);
                    }
                }
                a0.intoArray(out, o + ox);
                a1.intoArray(out, o + ox + lanes);
                a2.intoArray(out, o + ox + 2 * lanes);
                a3.intoArray(out, o + ox + 3 * lanes);
            }
            for (; ox < full; ox += lanes) { // remaining full vectors
                FloatVector acc = bv;
                for (int ky = 0; ky < kh; ky++) {
                    int row = (oy + ky * dh) * pW + ox;
                    int wr = wOff + ky * kw;
                    for (int kx = 0; kx < kw; kx++) {
                        acc = FloatVector.fromArray(S, pad, row + kx * dw).fma(FloatVector.broadcast(S, w[wr + kx]), acc);
                    }
                }
                acc.intoArray(out, o + ox);
            }
            if (ox < ow) { // the row's last, partial vector
                VectorMask<Float> m = S.indexInRange(ox, ow);
                FloatVector acc = bv;
                for (int ky = 0; ky < kh; ky++) {
                    int row = (oy + ky * dh) * pW + ox;
                    int wr = wOff + ky * kw;
                    for (int kx = 0; kx < kw; kx++) {
                        acc = FloatVector.fromArray(S, pad, row + kx * dw, m).fma(FloatVector.broadcast(S, w[wr + kx]), acc);
                    }
                }
                acc.intoArray(out, o + ox, m);
            }
        }
    }
}
