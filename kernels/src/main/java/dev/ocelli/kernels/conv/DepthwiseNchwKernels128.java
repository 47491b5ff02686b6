package dev.ocelli.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from kernels/src/main/templates/DepthwiseNchwKernels.java.in by kernels/src/main/templates/widths.py; edit
 * the template, not this file. The vector loop of {@link DepthwiseNchw} for FloatVector.SPECIES_128 (a
 * {@code static final} species per class, see {@link VectorDepthwiseConv}), so the 128- and 256-bit
 * versions can be tested against the scalar twin on any machine.
 */
final class DepthwiseNchwKernels128 {
    private DepthwiseNchwKernels128() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

    /** One output plane [OH, OW] at outOff from the zero-padded input plane pad [H + 2·PH, W + 2·PW]; stride 1. */
    static void plane(float[] out, int outOff, float[] pad, float[] w, int wOff, float b, ConvShape s) {
        int kh = s.kh(), kw = s.kw(), dh = s.dh(), dw = s.dw();
        int oh = s.oh(), ow = s.ow();
        int pW = s.w() + 2 * s.pw();
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
