package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;

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
 * Planes are split over the engine pool's threads. The vector loop lives in the generated
 * per-width classes {@code DepthwiseNchwKernels128/256/512} (template
 * {@code kernels/src/main/templates/DepthwiseNchwKernels.java.in}); this class pads the plane and
 * picks the width (the preferred one, or any for tests).
 */
final class DepthwiseNchw {
    private DepthwiseNchw() {}

    private static final int PREFERRED_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    private static final ThreadLocal<float[][]> PAD = ThreadLocal.withInitial(() -> new float[1][0]);

    static boolean applies(ConvShape s) {
        return s.sh() == 1 && s.sw() == 1;
    }

    /** x [N, C, H, W], weight [C, KH·KW] at wOff, bias [C] or null, out [N, C, OH, OW]; stride 1. */
    static void conv2d(float[] out, int outOff, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                       ConvShape s) {
        conv2d(PREFERRED_BITS, out, outOff, x, xOff, w, wOff, bias, bOff, s);
    }

    /** {@link #conv2d} with the vector loop of the given width (128, 256 or 512 bits). */
    static void conv2d(int bits, float[] out, int outOff, float[] x, int xOff, float[] w, int wOff, float[] bias,
                       int bOff, ConvShape s) {
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("depthwise NCHW: no float species of " + bits + " bits");
        }
        int planes = s.n() * s.c();
        WorkerPool pool = WorkerPool.shared();
        int tasks = Math.min(planes, 8 * pool.threads());
        pool.run(tasks, pool.threads(), t -> {
            for (int pl = planes * t / tasks, end = planes * (t + 1) / tasks; pl < end; pl++) {
                int ch = pl % s.c();
                float[] pad = padded(x, xOff + pl * s.h() * s.w(), s);
                int o = outOff + pl * s.oh() * s.ow(), wo = wOff + ch * s.kh() * s.kw();
                float b = bias == null ? 0f : bias[bOff + ch];
                switch (bits) {
                    case 128 -> DepthwiseNchwKernels128.plane(out, o, pad, w, wo, b, s);
                    case 256 -> DepthwiseNchwKernels256.plane(out, o, pad, w, wo, b, s);
                    default -> DepthwiseNchwKernels512.plane(out, o, pad, w, wo, b, s);
                }
            }
        });
    }

    /** The plane at xOff copied into this thread's scratch with a zero border of PH rows and PW columns. */
    private static float[] padded(float[] x, int xOff, ConvShape s) {
        int h = s.h(), wd = s.w(), ph = s.ph(), pw = s.pw();
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
        return pad;
    }
}
