package dev.ocelli.kernels.norm;

import dev.ocelli.kernels.act.ScalarMath;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from kernels/src/main/templates/NormKernels.java.in by kernels/src/main/templates/widths.py; edit the
 * template, not this file. The kernels of {@link VectorNorms} for FloatVector.SPECIES_512: the
 * species is a {@code static final} of this class, so every method here compiles with a constant
 * species whether C2 compiles it on its own, inlined or on-stack-replaced (a species passed as an
 * argument only works when the JIT happens to inline or type-profile it; measured to fall back to
 * boxed vectors, 7 MB/op for LayerNorm [577,1024], after a few thousand calls).
 */
final class NormKernels512 {
    private NormKernels512() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    // Lane rotations for sumLanes's tree: lane i takes lane (i + d) mod n. Separate static finals
    // (not an array) so that C2 sees constant shuffles; d is reduced mod n for the narrow species,
    // where the wider rotations are never used.
    private static final VectorShuffle<Float> ROT8 = VectorShuffle.iota(S, 8 % S.length(), 1, true);
    private static final VectorShuffle<Float> ROT4 = VectorShuffle.iota(S, 4 % S.length(), 1, true);
    private static final VectorShuffle<Float> ROT2 = VectorShuffle.iota(S, 2, 1, true);
    private static final VectorShuffle<Float> ROT1 = VectorShuffle.iota(S, 1, 1, true);

    /**
     * Sum of the lanes as a fixed pairwise tree (lane i + lane i+n/2, then +n/4, ...). Not
     * {@code reduceLanes(ADD)}: its order is left to the implementation, and the interpreter and
     * C2 differ in the last bit, so a row's mean changed once the method was compiled and two
     * identical forwards could disagree. Rearrange and add are exact per lane, so this tree gives
     * the same bits in every tier.
     */
    private static float sumLanes(FloatVector v) {
        if (S.length() >= 16) {
            v = v.add(v.rearrange(ROT8));
        }
        if (S.length() >= 8) {
            v = v.add(v.rearrange(ROT4));
        }
        v = v.add(v.rearrange(ROT2));
        v = v.add(v.rearrange(ROT1));
        return v.lane(0);
    }

    static void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight,
                          int wOff, float[] bias, int bOff, int rows, int dim, float eps) {
        Norms.checkArgs("layer_norm", out, outOff, in, inOff, weight, wOff, bias, bOff, (long) rows * dim, dim);
        int step = S.length();
        int bound = S.loopBound(dim);
        boolean affine = weight != null && bias != null;
        for (int r = 0; r < rows; r++) {
            int x0 = inOff + r * dim;
            int y0 = outOff + r * dim;
            // pass 1: mean
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            int i = 0;
            for (; i + step <= bound - step; i += 2 * step) {
                acc0 = acc0.add(FloatVector.fromArray(S, in, x0 + i));
                acc1 = acc1.add(FloatVector.fromArray(S, in, x0 + i + step));
            }
            for (; i < bound; i += step) {
                acc0 = acc0.add(FloatVector.fromArray(S, in, x0 + i));
            }
            float sum = sumLanes(acc0.add(acc1));
            for (; i < dim; i++) {
                sum += in[x0 + i];
            }
            float mean = sum / dim;
            // pass 2: variance around the mean
            FloatVector m = FloatVector.broadcast(S, mean);
            acc0 = FloatVector.zero(S);
            acc1 = FloatVector.zero(S);
            for (i = 0; i + step <= bound - step; i += 2 * step) {
                FloatVector d0 = FloatVector.fromArray(S, in, x0 + i).sub(m);
                FloatVector d1 = FloatVector.fromArray(S, in, x0 + i + step).sub(m);
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
            }
            for (; i < bound; i += step) {
                FloatVector d0 = FloatVector.fromArray(S, in, x0 + i).sub(m);
                acc0 = d0.fma(d0, acc0);
            }
            float sq = sumLanes(acc0.add(acc1));
            for (; i < dim; i++) {
                float d = in[x0 + i] - mean;
                sq += d * d;
            }
            float rstd = (float) (1.0 / Math.sqrt(sq / dim + eps));
            FloatVector rs = FloatVector.broadcast(S, rstd);
            // pass 3: normalize and apply the affine transform
            for (i = 0; i < bound; i += step) {
                FloatVector y = FloatVector.fromArray(S, in, x0 + i).sub(m).mul(rs);
                if (affine) {
                    y = y.fma(FloatVector.fromArray(S, weight, wOff + i), FloatVector.fromArray(S, bias, bOff + i));
                } else {
                    if (weight != null) {
                        y = y.mul(FloatVector.fromArray(S, weight, wOff + i));
                    }
                    if (bias != null) {
                        y = y.add(FloatVector.fromArray(S, bias, bOff + i));
                    }
                }
                y.intoArray(out, y0 + i);
            }
            // scalar tail
            for (; i < dim; i++) {
                float y = (in[x0 + i] - mean) * rstd;
                if (affine) {
                    y = Math.fma(y, weight[wOff + i], bias[bOff + i]);
                } else {
                    if (weight != null) {
                        y *= weight[wOff + i];
                    }
                    if (bias != null) {
                        y += bias[bOff + i];
                    }
                }
                out[y0 + i] = y;
            }
        }
    }

    static void layerNorm2d(float[] out, int outOff, float[] in, int inOff, float[] weight,
                            int wOff, float[] bias, int bOff, int batch, int channels, int pixels, int p0, int p1,
                            float eps) {
        Norms.checkArgs("layer_norm2d", out, outOff, in, inOff, weight, wOff, bias, bOff,
                (long) batch * channels * pixels, channels);
        Norms.checkPixelRange(p0, p1, pixels);
        int step = S.length();
        float invC = 1f / channels;
        FloatVector epsV = FloatVector.broadcast(S, eps);
        for (int b = 0; b < batch; b++) {
            int base = b * channels * pixels;
            for (int p = p0; p < p1; p += step) {
                // lanes = pixels p..p+L-1; the last group is masked (each lane's result depends
                // on its own pixel only, so where the range starts does not change any bit)
                VectorMask<Float> mask = S.indexInRange(p, p1);
                FloatVector sum = FloatVector.zero(S);
                for (int c = 0; c < channels; c++) {
                    sum = sum.add(FloatVector.fromArray(S, in, inOff + base + c * pixels + p, mask));
                }
                FloatVector mean = sum.mul(invC);
                FloatVector sq = FloatVector.zero(S);
                for (int c = 0; c < channels; c++) {
                    FloatVector d = FloatVector.fromArray(S, in, inOff + base + c * pixels + p, mask).sub(mean);
                    sq = d.fma(d, sq);
                }
                FloatVector rstd = sq.mul(invC).add(epsV).sqrt();
                rstd = FloatVector.broadcast(S, 1f).div(rstd);
                for (int c = 0; c < channels; c++) {
                    int idx = base + c * pixels + p;
                    FloatVector y = FloatVector.fromArray(S, in, inOff + idx, mask).sub(mean).mul(rstd);
                    if (weight != null) {
                        y = y.mul(weight[wOff + c]);
                    }
                    if (bias != null) {
                        y = y.add(bias[bOff + c]);
                    }
                    y.intoArray(out, outOff + idx, mask);
                }
            }
        }
    }

    static void softmax(float[] out, int outOff, float[] in, int inOff,
                        int outer, int dim, int inner) {
        long total = (long) outer * dim * inner;
        Norms.checkRange("softmax input", in, inOff, total);
        Norms.checkRange("softmax output", out, outOff, total);
        // one method per layout and the row in its own method: with both layouts' three inline
        // exps in one body, C2 gave up on intrinsics for part of it (measured 7 KB boxed vectors
        // per 576-float row, 96 B per 577-float row); no vector crosses these calls, so nothing
        // is boxed whether or not they are inlined
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                softmaxRow(out, outOff + o * dim, in, inOff + o * dim, dim);
            }
        } else {
            softmaxColumns(out, outOff, in, inOff, outer, dim, inner);
        }
    }

    /** Softmax of one contiguous row in[x0 .. x0+dim) into out[y0 ..). */
    private static void softmaxRow(float[] out, int y0, float[] in, int x0, int dim) {
        int step = S.length();
        int bound = S.loopBound(dim);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += step) {
            mx = mx.max(FloatVector.fromArray(S, in, x0 + i));
        }
        float max = mx.reduceLanes(VectorOperators.MAX);
        for (; i < dim; i++) {
            max = Math.max(max, in[x0 + i]);
        }
        FloatVector m = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        for (i = 0; i < bound; i += step) {
            FloatVector e = FloatVector.fromArray(S, in, x0 + i).sub(m).max(ScalarMath.EXP_LO).min(ScalarMath.EXP_HI); // exp inline, = VectorMath.exp
            FloatVector et = e.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector ek = et.sub(ScalarMath.ROUND_MAGIC);
            IntVector eki = et.reinterpretAsInts().sub(ScalarMath.ROUND_MAGIC_BITS);
            FloatVector er = ek.fma(ek.broadcast(-ScalarMath.LN2_HI), e);
            er = ek.fma(ek.broadcast(-ScalarMath.LN2_LO), er);
            FloatVector eq = er.fma(ScalarMath.E5, ScalarMath.E4);
            eq = eq.fma(er, er.broadcast(ScalarMath.E3));
            eq = eq.fma(er, er.broadcast(ScalarMath.E2));
            eq = eq.fma(er, er.broadcast(ScalarMath.E1));
            eq = eq.fma(er, er.broadcast(ScalarMath.E0));
            IntVector ek1 = eki.lanewise(VectorOperators.ASHR, 1);
            e = er.mul(er).fma(eq, er).add(1f)
                    .mul(ek1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(eki.sub(ek1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            e.intoArray(out, y0 + i);
            acc = acc.add(e);
        }
        // scalar tail (ScalarMath.exp returns the same bits as the vector lanes); a masked vector
        // step here boxed one vector per row (96 B per 577-float row, measured)
        float tailSum = 0f;
        for (; i < dim; i++) {
            float e = ScalarMath.exp(in[x0 + i] - max);
            out[y0 + i] = e;
            tailSum += e;
        }
        float inv = 1f / (sumLanes(acc) + tailSum);
        for (i = 0; i < bound; i += step) {
            FloatVector.fromArray(S, out, y0 + i).mul(inv).intoArray(out, y0 + i);
        }
        for (; i < dim; i++) {
            out[y0 + i] *= inv;
        }
    }

    /** Softmax over dim of [outer, dim, inner] with inner > 1: lanes run along inner. */
    private static void softmaxColumns(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
        int step = S.length();
        for (int o = 0; o < outer; o++) {
            int base = o * dim * inner;
            for (int j = 0; j < inner; j += step) {
                VectorMask<Float> mask = S.indexInRange(j, inner);
                FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (int d = 0; d < dim; d++) {
                    mx = mx.max(FloatVector.fromArray(S, in, inOff + base + d * inner + j, mask));
                }
                FloatVector acc = FloatVector.zero(S);
                for (int d = 0; d < dim; d++) {
                    int idx = base + d * inner + j;
                    FloatVector e = FloatVector.fromArray(S, in, inOff + idx, mask).sub(mx).max(ScalarMath.EXP_LO).min(ScalarMath.EXP_HI); // exp inline, = VectorMath.exp
                    FloatVector et = e.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
                    FloatVector ek = et.sub(ScalarMath.ROUND_MAGIC);
                    IntVector eki = et.reinterpretAsInts().sub(ScalarMath.ROUND_MAGIC_BITS);
                    FloatVector er = ek.fma(ek.broadcast(-ScalarMath.LN2_HI), e);
                    er = ek.fma(ek.broadcast(-ScalarMath.LN2_LO), er);
                    FloatVector eq = er.fma(ScalarMath.E5, ScalarMath.E4);
                    eq = eq.fma(er, er.broadcast(ScalarMath.E3));
                    eq = eq.fma(er, er.broadcast(ScalarMath.E2));
                    eq = eq.fma(er, er.broadcast(ScalarMath.E1));
                    eq = eq.fma(er, er.broadcast(ScalarMath.E0));
                    IntVector ek1 = eki.lanewise(VectorOperators.ASHR, 1);
                    e = er.mul(er).fma(eq, er).add(1f)
                            .mul(ek1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                            .mul(eki.sub(ek1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                    e.intoArray(out, outOff + idx, mask);
                    acc = acc.add(e);
                }
                FloatVector inv = FloatVector.broadcast(S, 1f).div(acc);
                for (int d = 0; d < dim; d++) {
                    int idx = outOff + base + d * inner + j;
                    FloatVector.fromArray(S, out, idx, mask).mul(inv).intoArray(out, idx, mask);
                }
            }
        }
    }
}
