package dev.ocelli.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from kernels/src/main/templates/DepthwiseKernels.java.in by kernels/src/main/templates/widths.py; edit the
 * template, not this file. The kernels of {@link VectorDepthwiseConv} for FloatVector.SPECIES_512: the
 * species is a {@code static final} of this class, so every method here compiles with a constant
 * species whether C2 compiles it on its own, inlined or on-stack-replaced (a species passed as an
 * argument only works when the JIT happens to inline or type-profile it; measured to fall back to
 * boxed vectors, 7 MB/op for LayerNorm [577,1024], after a few thousand calls).
 */
final class DepthwiseKernels512 {
    private DepthwiseKernels512() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    static void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] wt,
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
        int cFull = S.loopBound(c);
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
                    pixel(out, outRow + ox * c, in, img, wt, wOff, bias, bOff, c, w, kw, dw, base, dh,
                            kyLo, kyHi, ox * sw - pw, 0);
                }
                // interior: channel vector outermost, then blocks along the row, so consecutive
                // blocks reuse the input lines of their 6-column overlap while they are still in L1
                int nBlocks = Math.max(0, (oxHi - ox) / VectorDepthwiseConv.RB);
                int oxEnd = ox + nBlocks * VectorDepthwiseConv.RB;
                for (int cv = 0; cv < cFull; cv += S.length()) {
                    for (int bx = ox; bx < oxEnd; bx += VectorDepthwiseConv.RB) {
                        block(out, outRow + bx * c, in, img, wt, wOff, bias, bOff, c, w, kw, dw, sw, base, dh,
                                kyLo, kyHi, bx * sw - pw, cv);
                    }
                }
                if (cFull < c) { // channel tail of the interior columns, masked
                    for (int bx = ox; bx < oxEnd; bx++) {
                        pixel(out, outRow + bx * c, in, img, wt, wOff, bias, bOff, c, w, kw, dw, base, dh,
                                kyLo, kyHi, bx * sw - pw, cFull);
                    }
                }
                ox = oxEnd;
                for (; ox < ow; ox++) {
                    pixel(out, outRow + ox * c, in, img, wt, wOff, bias, bOff, c, w, kw, dw, base, dh,
                            kyLo, kyHi, ox * sw - pw, 0);
                }
            }
        }
    }

    /** RB = 8 interior output columns starting at input column ix0, channels [cv, cv + L). */
    private static void block(float[] out, int o, float[] in, int img, float[] wt, int wOff,
                              float[] bias, int bOff, int c, int w, int kw, int dw, int sw, int base, int dh,
                              int kyLo, int kyHi, int ix0, int cv) {
        int colStride = sw * c;
        {
            FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, bOff + cv);
            FloatVector a0 = b0, a1 = b0, a2 = b0, a3 = b0, a4 = b0, a5 = b0, a6 = b0, a7 = b0;
            for (int ky = kyLo; ky < kyHi; ky++) {
                int row = img + (base + ky * dh) * w * c + cv;
                int wrow = wOff + ky * kw * c + cv;
                for (int kx = 0; kx < kw; kx++) {
                    FloatVector wv = FloatVector.fromArray(S, wt, wrow + kx * c);
                    int p = row + (ix0 + kx * dw) * c;
                    a0 = FloatVector.fromArray(S, in, p).fma(wv, a0);
                    a1 = FloatVector.fromArray(S, in, p + colStride).fma(wv, a1);
                    a2 = FloatVector.fromArray(S, in, p + 2 * colStride).fma(wv, a2);
                    a3 = FloatVector.fromArray(S, in, p + 3 * colStride).fma(wv, a3);
                    a4 = FloatVector.fromArray(S, in, p + 4 * colStride).fma(wv, a4);
                    a5 = FloatVector.fromArray(S, in, p + 5 * colStride).fma(wv, a5);
                    a6 = FloatVector.fromArray(S, in, p + 6 * colStride).fma(wv, a6);
                    a7 = FloatVector.fromArray(S, in, p + 7 * colStride).fma(wv, a7);
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
    private static void pixel(float[] out, int o, float[] in, int img, float[] wt, int wOff,
                              float[] bias, int bOff, int c, int w, int kw, int dw, int base, int dh,
                              int kyLo, int kyHi, int ix0, int cStart) {
        int step = S.length();
        for (int cv = cStart; cv < c; cv += step) {
            VectorMask<Float> m = S.indexInRange(cv, c);
            FloatVector acc = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, bOff + cv, m);
            for (int ky = kyLo; ky < kyHi; ky++) {
                int row = img + (base + ky * dh) * w * c + cv;
                int wrow = wOff + ky * kw * c + cv;
                for (int kx = 0; kx < kw; kx++) {
                    int ix = ix0 + kx * dw;
                    if (ix < 0 || ix >= w) {
                        continue;
                    }
                    FloatVector wv = FloatVector.fromArray(S, wt, wrow + kx * c, m);
                    acc = FloatVector.fromArray(S, in, row + ix * c, m).fma(wv, acc);
                }
            }
            acc.intoArray(out, o + cv, m);
        }
    }
}
