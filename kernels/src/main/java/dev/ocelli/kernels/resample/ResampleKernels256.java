package dev.ocelli.kernels.resample;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from kernels/src/main/templates/ResampleKernels.java.in by kernels/src/main/templates/widths.py; edit the
 * template, not this file. The kernels of {@link VectorResample} for FloatVector.SPECIES_256: the
 * species is a {@code static final} of this class, so every method here compiles with a constant
 * species whether C2 compiles it on its own, inlined or on-stack-replaced (a species passed as an
 * argument only works when the JIT happens to inline or type-profile it; measured to fall back to
 * boxed vectors, 7 MB/op for LayerNorm [577,1024], after a few thousand calls).
 */
final class ResampleKernels256 {
    private ResampleKernels256() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_256;

    /**
     * Average pooling (avg_pool2d, adaptive_avg_pool2d) as windows given per output row and per
     * output column (see {@link VectorResample#avgPool2d}); lanes run along the output columns:
     * <pre>
     *   out[p, oy, ox] = Σ_{y ∈ [rowStart, rowEnd)} Σ_{dx &lt; colWidth[ox]} in[p, y, colStart[ox] + dx]
     *                    / (rowCount[oy]·colCount[ox])
     * </pre>
     * Each lane gathers in[y, colStart + dx] (masked off once dx ≥ its width, adding +0, which
     * leaves a sum that started at +0 unchanged), in the scalar twin's (y, x) order, so the bits
     * equal {@link ScalarResample}'s. {@code gather[dx·padded + ox]} holds colStart[ox] + dx,
     * clamped into the row for masked-off lanes (the gather checks every lane's index, masked or
     * not). The column tables are padded to {@code padded} (whole vectors) with width 0, so their
     * loads need no mask; the last partial vector of a row is stored through {@code tail}.
     */
    static void windowAverage(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                              int outH, int outW, int[] rowStart, int[] rowEnd, int[] rowCount, int[] gather,
                              int[] colWidth, int[] colCount, int maxWidth, int padded) {
        int step = S.length();
        float[] tail = new float[step];
        for (int p = 0; p < planes; p++) {
            int src = inOff + p * inH * inW;
            int dst = outOff + p * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                int y0 = rowStart[oy], y1 = rowEnd[oy], rc = rowCount[oy];
                for (int ox = 0; ox < outW; ox += step) {
                    IntVector width = IntVector.fromArray(IS, colWidth, ox);
                    FloatVector sum = FloatVector.zero(S);
                    for (int y = y0; y < y1; y++) {
                        int row = src + y * inW;
                        for (int dx = 0; dx < maxWidth; dx++) {
                            VectorMask<Float> m = width.compare(VectorOperators.GT, dx).cast(S);
                            sum = sum.add(FloatVector.fromArray(S, in, row, gather, dx * padded + ox, m));
                        }
                    }
                    FloatVector count = (FloatVector) IntVector.fromArray(IS, colCount, ox).mul(rc)
                            .convert(VectorOperators.I2F, 0);
                    FloatVector avg = sum.div(count);
                    int o = dst + oy * outW + ox;
                    if (ox + step <= outW) {
                        avg.intoArray(out, o);
                    } else {
                        avg.intoArray(tail, 0);
                        System.arraycopy(tail, 0, out, o, outW - ox);
                    }
                }
            }
        }
    }

    static void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff,
                            float[] in, int inOff, int planes, int inH, int inW, int outH, int outW) {
        Resample.checkSizes("interpolate " + mode, planes, inH, inW, outH, outW);
        if (mode == Interp.NEAREST && alignCorners) {
            throw new IllegalArgumentException("interpolate: align_corners only applies to linear/cubic modes");
        }
        Resample.checkRange("interpolate input", in, inOff, (long) planes * inH * inW);
        Resample.checkRange("interpolate output", out, outOff, (long) planes * outH * outW);
        Taps ty = Taps.of(mode, alignCorners, inH, outH);
        Taps tx = Taps.of(mode, alignCorners, inW, outW);
        float[] tmp = VectorResample.SCRATCH.get();
        if (tmp.length < inH * outW) {
            tmp = new float[inH * outW];
            VectorResample.SCRATCH.set(tmp);
        }
        int[] xi = tx.idx(), yi = ty.idx();
        float[] xw = tx.w(), yw = ty.w();
        int kx = tx.taps(), ky = ty.taps();
        int step = S.length();
        int bound = S.loopBound(outW);
        for (int p = 0; p < planes; p++) {
            int src = inOff + p * inH * inW;
            int dst = outOff + p * outH * outW;
            // pass 1: rows to outW columns
            for (int y = 0; y < inH; y++) {
                int row = src + y * inW;
                for (int ox = 0; ox < outW; ox++) {
                    float h = xw[ox * kx] * in[row + xi[ox * kx]];
                    for (int j = 1; j < kx; j++) {
                        h = h + xw[ox * kx + j] * in[row + xi[ox * kx + j]];
                    }
                    tmp[y * outW + ox] = h;
                }
            }
            // pass 2: combine rows, vectorized along the output row
            for (int oy = 0; oy < outH; oy++) {
                int o = dst + oy * outW;
                int r0 = yi[oy * ky] * outW;
                float w0 = yw[oy * ky];
                int ox = 0;
                for (; ox < bound; ox += step) {
                    FloatVector acc = FloatVector.fromArray(S, tmp, r0 + ox).mul(w0);
                    for (int i = 1; i < ky; i++) {
                        acc = acc.add(FloatVector.fromArray(S, tmp, yi[oy * ky + i] * outW + ox).mul(yw[oy * ky + i]));
                    }
                    acc.intoArray(out, o + ox);
                }
                for (; ox < outW; ox++) { // scalar tail
                    float acc = w0 * tmp[r0 + ox];
                    for (int i = 1; i < ky; i++) {
                        acc = acc + yw[oy * ky + i] * tmp[yi[oy * ky + i] * outW + ox];
                    }
                    out[o + ox] = acc;
                }
            }
        }
    }
}
