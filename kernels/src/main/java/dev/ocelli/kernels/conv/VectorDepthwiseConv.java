package dev.ocelli.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API depthwise conv2d in channels-last layout.
 *
 * <p><b>Walk-through.</b> In NHWC one pixel's C channels are contiguous, and every channel has its
 * own filter, so a vector of L channels at one pixel times the vector of their weights at one tap
 * is exactly L independent multiply-adds: lanes run over channels, no shuffles. For each output
 * row, the output columns split into
 * <ul>
 *   <li>an interior where every tap of every column is inside the image: blocks of 8 output
 *       columns × one channel vector are computed with 8 accumulators held in registers; each tap
 *       loads its weight vector once and uses it 8 times (register blocking along the width), so
 *       a tap costs 1 weight load + 8 input loads + 8 FMAs;</li>
 *   <li>the border columns (and leftovers), computed one pixel at a time with bounds checks.</li>
 * </ul>
 * Rows outside the image (top/bottom padding) are skipped by clipping the ky range per output
 * row. A channel count that is not a multiple of L finishes with masked loads/stores.
 * Accumulation order is bias, then taps in (ky, kx) order with FMA, as in the scalar twin, so the
 * two agree bit for bit.
 *
 * <p>The NCHW entry point transposes input and weights into per-thread scratch buffers, runs the
 * NHWC kernel and transposes back (no allocation in steady state).
 * Species structure as in {@link dev.ocelli.kernels.act.VectorActivations}.
 */
public abstract sealed class VectorDepthwiseConv implements DepthwiseConv {

    public static final VectorDepthwiseConv S128 = new W128();
    public static final VectorDepthwiseConv S256 = new W256();
    public static final VectorDepthwiseConv S512 = new W512();

    public static VectorDepthwiseConv preferred() {
        return forBits(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    public static VectorDepthwiseConv forBits(int bits) {
        return switch (bits) {
            case 128 -> S128;
            case 256 -> S256;
            case 512 -> S512;
            default -> throw new IllegalArgumentException("no float species of " + bits + " bits");
        };
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private VectorDepthwiseConv() {}

    /** Output width block of the interior loop; 8 accumulators + weight + input fit in 16 registers. */
    static final int RB = 8;

    static void conv2dNchw(DepthwiseConv self, float[] out, int outOff, float[] in, int inOff, float[] weight,
                           int wOff, float[] bias, int bOff, int n, int c, int h, int w, int kh, int kw, int sh,
                           int sw, int ph, int pw, int dh, int dw) {
        int oh = DepthwiseConv.outSize("height", h, kh, sh, ph, dh);
        int ow = DepthwiseConv.outSize("width", w, kw, sw, pw, dw);
        DepthwiseConv.checkRange("depthwise input", in, inOff, (long) n * c * h * w);
        DepthwiseConv.checkRange("depthwise weight", weight, wOff, (long) c * kh * kw);
        DepthwiseConv.checkRange("depthwise output", out, outOff, (long) n * c * oh * ow);
        float[][] scratch = SCRATCH.get();
        float[] xs = grow(scratch, 0, n * c * h * w);
        float[] ws = grow(scratch, 1, c * kh * kw);
        float[] ys = grow(scratch, 2, n * c * oh * ow);
        Layouts.nchwToNhwc(xs, 0, in, inOff, n, c, h * w);
        Layouts.depthwiseWeightToHwc(ws, 0, weight, wOff, c, kh, kw);
        self.conv2dNhwc(ys, 0, xs, 0, ws, 0, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, 0, oh);
        Layouts.nhwcToNchw(out, outOff, ys, 0, n, c, oh * ow);
    }

    private static float[] grow(float[][] scratch, int i, int size) {
        if (scratch[i].length < size) {
            scratch[i] = new float[size];
        }
        return scratch[i];
    }

    static void conv2dNhwc(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, float[] wt,
                           int wOff, float[] bias, int bOff, int n, int c, int h, int w, int kh, int kw, int sh,
                           int sw, int ph, int pw, int dh, int dw, int rowStart, int rowEnd) {
        int oh = DepthwiseConv.outSize("height", h, kh, sh, ph, dh);
        int ow = DepthwiseConv.outSize("width", w, kw, sw, pw, dw);
        DepthwiseConv.checkRange("depthwise input", in, inOff, (long) n * c * h * w);
        DepthwiseConv.checkRange("depthwise weight", wt, wOff, (long) c * kh * kw);
        DepthwiseConv.checkRange("depthwise output", out, outOff, (long) n * c * oh * ow);
        if (bias != null) {
            DepthwiseConv.checkRange("depthwise bias", bias, bOff, c);
        }
        // interior columns: ox*sw - pw >= 0 and ox*sw - pw + (kw-1)*dw <= w-1
        int oxLo = Math.min(ow, Math.ceilDiv(pw, sw));
        int oxHi = Math.max(oxLo, Math.min(ow, Math.floorDiv(w - 1 + pw - (kw - 1) * dw, sw) + 1));
        int cFull = s.loopBound(c);
        int r0 = Math.max(rowStart, 0), r1 = Math.min(rowEnd, oh);
        for (int b = 0; b < n; b++) {
            int img = inOff + b * h * w * c;
            for (int oy = r0; oy < r1; oy++) {
                // taps whose input row is inside the image
                int base = oy * sh - ph;
                int kyLo = base >= 0 ? 0 : Math.ceilDiv(-base, dh);
                int kyHi = Math.min(kh, Math.floorDiv(h - 1 - base, dh) + 1);
                int outRow = outOff + (b * oh + oy) * ow * c;
                int ox = 0;
                for (; ox < oxLo; ox++) {
                    pixel(s, out, outRow + ox * c, in, img, wt, wOff, bias, bOff, c, w, kw, dw, base, dh,
                            kyLo, kyHi, ox * sw - pw, 0);
                }
                for (; ox + RB <= oxHi; ox += RB) {
                    block(s, out, outRow + ox * c, in, img, wt, wOff, bias, bOff, c, w, kw, dw, sw, base, dh,
                            kyLo, kyHi, ox * sw - pw, cFull);
                    if (cFull < c) {
                        for (int r = 0; r < RB; r++) {
                            pixel(s, out, outRow + (ox + r) * c, in, img, wt, wOff, bias, bOff, c, w, kw, dw, base, dh,
                                    kyLo, kyHi, (ox + r) * sw - pw, cFull);
                        }
                    }
                }
                for (; ox < ow; ox++) {
                    pixel(s, out, outRow + ox * c, in, img, wt, wOff, bias, bOff, c, w, kw, dw, base, dh,
                            kyLo, kyHi, ox * sw - pw, 0);
                }
            }
        }
    }

    /** RB interior output columns starting at input column ix0, channel vectors [0, cFull). */
    private static void block(VectorSpecies<Float> s, float[] out, int o, float[] in, int img, float[] wt, int wOff,
                              float[] bias, int bOff, int c, int w, int kw, int dw, int sw, int base, int dh,
                              int kyLo, int kyHi, int ix0, int cFull) {
        int step = s.length();
        int colStride = sw * c;
        for (int cv = 0; cv < cFull; cv += step) {
            FloatVector b0 = bias == null ? FloatVector.zero(s) : FloatVector.fromArray(s, bias, bOff + cv);
            FloatVector a0 = b0, a1 = b0, a2 = b0, a3 = b0, a4 = b0, a5 = b0, a6 = b0, a7 = b0;
            for (int ky = kyLo; ky < kyHi; ky++) {
                int row = img + (base + ky * dh) * w * c + cv;
                int wrow = wOff + ky * kw * c + cv;
                for (int kx = 0; kx < kw; kx++) {
                    FloatVector wv = FloatVector.fromArray(s, wt, wrow + kx * c);
                    int p = row + (ix0 + kx * dw) * c;
                    a0 = FloatVector.fromArray(s, in, p).fma(wv, a0);
                    a1 = FloatVector.fromArray(s, in, p + colStride).fma(wv, a1);
                    a2 = FloatVector.fromArray(s, in, p + 2 * colStride).fma(wv, a2);
                    a3 = FloatVector.fromArray(s, in, p + 3 * colStride).fma(wv, a3);
                    a4 = FloatVector.fromArray(s, in, p + 4 * colStride).fma(wv, a4);
                    a5 = FloatVector.fromArray(s, in, p + 5 * colStride).fma(wv, a5);
                    a6 = FloatVector.fromArray(s, in, p + 6 * colStride).fma(wv, a6);
                    a7 = FloatVector.fromArray(s, in, p + 7 * colStride).fma(wv, a7);
                }
            }
            a0.intoArray(out, o + cv);
            a1.intoArray(out, o + c + cv);
            a2.intoArray(out, o + 2 * c + cv);
            a3.intoArray(out, o + 3 * c + cv);
            a4.intoArray(out, o + 4 * c + cv);
            a5.intoArray(out, o + 5 * c + cv);
            a6.intoArray(out, o + 6 * c + cv);
            a7.intoArray(out, o + 7 * c + cv);
        }
    }

    /** One output pixel, channels [cStart, c), with per-tap column bounds checks. */
    private static void pixel(VectorSpecies<Float> s, float[] out, int o, float[] in, int img, float[] wt, int wOff,
                              float[] bias, int bOff, int c, int w, int kw, int dw, int base, int dh,
                              int kyLo, int kyHi, int ix0, int cStart) {
        int step = s.length();
        for (int cv = cStart; cv < c; cv += step) {
            VectorMask<Float> m = s.indexInRange(cv, c);
            FloatVector acc = bias == null ? FloatVector.zero(s) : FloatVector.fromArray(s, bias, bOff + cv, m);
            for (int ky = kyLo; ky < kyHi; ky++) {
                int row = img + (base + ky * dh) * w * c + cv;
                int wrow = wOff + ky * kw * c + cv;
                for (int kx = 0; kx < kw; kx++) {
                    int ix = ix0 + kx * dw;
                    if (ix < 0 || ix >= w) {
                        continue;
                    }
                    FloatVector wv = FloatVector.fromArray(s, wt, wrow + kx * c, m);
                    acc = FloatVector.fromArray(s, in, row + ix * c, m).fma(wv, acc);
                }
            }
            acc.intoArray(out, o + cv, m);
        }
    }

    private static final class W128 extends VectorDepthwiseConv {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

        @Override
        public void conv2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                           int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                           int dh, int dw) {
            conv2dNchw(this, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        }

        @Override
        public void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                               int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw, int rowStart, int rowEnd) {
            conv2dNhwc(S, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw,
                    rowStart, rowEnd);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorDepthwiseConv {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

        @Override
        public void conv2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                           int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                           int dh, int dw) {
            conv2dNchw(this, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        }

        @Override
        public void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                               int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw, int rowStart, int rowEnd) {
            conv2dNhwc(S, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw,
                    rowStart, rowEnd);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorDepthwiseConv {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

        @Override
        public void conv2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                           int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                           int dh, int dw) {
            conv2dNchw(this, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        }

        @Override
        public void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                               int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw, int rowStart, int rowEnd) {
            conv2dNhwc(S, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw,
                    rowStart, rowEnd);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
