package dev.ocelli.kernels.norm;

import dev.ocelli.kernels.act.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link Norms}.
 * <ul>
 *   <li>layerNorm: per row, pass 1 sums in float lanes (two accumulators), pass 2 sums squared
 *       deviations from the mean (two-pass, not E[x²]−mean², which cancels badly for rows with a
 *       large mean), pass 3 writes (x−mean)·rstd·w + b with one FMA. Float lanes keep the rounding
 *       error near PyTorch's own float kernel (PyTorch 1.13 also accumulates in float).</li>
 *   <li>layerNorm2d: the normalized dim C is strided by P, so lanes run over pixels instead:
 *       each vector holds L neighbouring pixels and walks down the channels, three passes.</li>
 *   <li>softmax: inner == 1 vectorizes along the row; otherwise lanes run over inner.</li>
 * </ul>
 * Species structure as in {@link dev.ocelli.kernels.act.VectorActivations}: generic static bodies,
 * three final subclasses passing a {@code static final} species.
 */
public abstract sealed class VectorNorms implements Norms {

    public static final VectorNorms S128 = new W128();
    public static final VectorNorms S256 = new W256();
    public static final VectorNorms S512 = new W512();

    public static VectorNorms preferred() {
        return forBits(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    public static VectorNorms forBits(int bits) {
        return switch (bits) {
            case 128 -> S128;
            case 256 -> S256;
            case 512 -> S512;
            default -> throw new IllegalArgumentException("no float species of " + bits + " bits");
        };
    }

    private VectorNorms() {}

    static void layerNorm(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, float[] weight,
                          int wOff, float[] bias, int bOff, int rows, int dim, float eps) {
        Norms.checkArgs("layer_norm", out, outOff, in, inOff, weight, wOff, bias, bOff, (long) rows * dim, dim);
        int step = s.length();
        int bound = s.loopBound(dim);
        boolean affine = weight != null && bias != null;
        for (int r = 0; r < rows; r++) {
            int x0 = inOff + r * dim;
            int y0 = outOff + r * dim;
            // pass 1: mean
            FloatVector acc0 = FloatVector.zero(s), acc1 = FloatVector.zero(s);
            int i = 0;
            for (; i + step <= bound - step; i += 2 * step) {
                acc0 = acc0.add(FloatVector.fromArray(s, in, x0 + i));
                acc1 = acc1.add(FloatVector.fromArray(s, in, x0 + i + step));
            }
            for (; i < bound; i += step) {
                acc0 = acc0.add(FloatVector.fromArray(s, in, x0 + i));
            }
            float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) {
                sum += in[x0 + i];
            }
            float mean = sum / dim;
            // pass 2: variance around the mean
            FloatVector m = FloatVector.broadcast(s, mean);
            acc0 = FloatVector.zero(s);
            acc1 = FloatVector.zero(s);
            for (i = 0; i + step <= bound - step; i += 2 * step) {
                FloatVector d0 = FloatVector.fromArray(s, in, x0 + i).sub(m);
                FloatVector d1 = FloatVector.fromArray(s, in, x0 + i + step).sub(m);
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
            }
            for (; i < bound; i += step) {
                FloatVector d0 = FloatVector.fromArray(s, in, x0 + i).sub(m);
                acc0 = d0.fma(d0, acc0);
            }
            float sq = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) {
                float d = in[x0 + i] - mean;
                sq += d * d;
            }
            float rstd = (float) (1.0 / Math.sqrt(sq / dim + eps));
            FloatVector rs = FloatVector.broadcast(s, rstd);
            // pass 3: normalize and apply the affine transform
            for (i = 0; i < bound; i += step) {
                FloatVector y = FloatVector.fromArray(s, in, x0 + i).sub(m).mul(rs);
                if (affine) {
                    y = y.fma(FloatVector.fromArray(s, weight, wOff + i), FloatVector.fromArray(s, bias, bOff + i));
                } else {
                    if (weight != null) {
                        y = y.mul(FloatVector.fromArray(s, weight, wOff + i));
                    }
                    if (bias != null) {
                        y = y.add(FloatVector.fromArray(s, bias, bOff + i));
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

    static void layerNorm2d(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, float[] weight,
                            int wOff, float[] bias, int bOff, int batch, int channels, int pixels, float eps) {
        Norms.checkArgs("layer_norm2d", out, outOff, in, inOff, weight, wOff, bias, bOff,
                (long) batch * channels * pixels, channels);
        int step = s.length();
        float invC = 1f / channels;
        FloatVector epsV = FloatVector.broadcast(s, eps);
        for (int b = 0; b < batch; b++) {
            int base = b * channels * pixels;
            for (int p = 0; p < pixels; p += step) {
                // lanes = pixels p..p+L-1; the last group is masked
                VectorMask<Float> mask = s.indexInRange(p, pixels);
                FloatVector sum = FloatVector.zero(s);
                for (int c = 0; c < channels; c++) {
                    sum = sum.add(FloatVector.fromArray(s, in, inOff + base + c * pixels + p, mask));
                }
                FloatVector mean = sum.mul(invC);
                FloatVector sq = FloatVector.zero(s);
                for (int c = 0; c < channels; c++) {
                    FloatVector d = FloatVector.fromArray(s, in, inOff + base + c * pixels + p, mask).sub(mean);
                    sq = d.fma(d, sq);
                }
                FloatVector rstd = sq.mul(invC).add(epsV).sqrt();
                rstd = FloatVector.broadcast(s, 1f).div(rstd);
                for (int c = 0; c < channels; c++) {
                    int idx = base + c * pixels + p;
                    FloatVector y = FloatVector.fromArray(s, in, inOff + idx, mask).sub(mean).mul(rstd);
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

    static void softmax(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff,
                        int outer, int dim, int inner) {
        long total = (long) outer * dim * inner;
        Norms.checkRange("softmax input", in, inOff, total);
        Norms.checkRange("softmax output", out, outOff, total);
        int step = s.length();
        if (inner == 1) {
            int bound = s.loopBound(dim);
            for (int o = 0; o < outer; o++) {
                int x0 = inOff + o * dim;
                int y0 = outOff + o * dim;
                FloatVector mx = FloatVector.broadcast(s, Float.NEGATIVE_INFINITY);
                int i = 0;
                for (; i < bound; i += step) {
                    mx = mx.max(FloatVector.fromArray(s, in, x0 + i));
                }
                float max = mx.reduceLanes(VectorOperators.MAX);
                for (; i < dim; i++) {
                    max = Math.max(max, in[x0 + i]);
                }
                FloatVector m = FloatVector.broadcast(s, max);
                FloatVector acc = FloatVector.zero(s);
                for (i = 0; i < bound; i += step) {
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(s, in, x0 + i).sub(m));
                    e.intoArray(out, y0 + i);
                    acc = acc.add(e);
                }
                if (i < dim) { // masked tail: masked-off lanes must not add to the sum
                    VectorMask<Float> mask = s.indexInRange(i, dim);
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(s, in, x0 + i, mask).sub(m));
                    e.intoArray(out, y0 + i, mask);
                    acc = acc.add(e, mask);
                }
                float inv = 1f / acc.reduceLanes(VectorOperators.ADD);
                for (i = 0; i < bound; i += step) {
                    FloatVector.fromArray(s, out, y0 + i).mul(inv).intoArray(out, y0 + i);
                }
                for (; i < dim; i++) {
                    out[y0 + i] *= inv;
                }
            }
            return;
        }
        for (int o = 0; o < outer; o++) {
            int base = o * dim * inner;
            for (int j = 0; j < inner; j += step) {
                VectorMask<Float> mask = s.indexInRange(j, inner);
                FloatVector mx = FloatVector.broadcast(s, Float.NEGATIVE_INFINITY);
                for (int d = 0; d < dim; d++) {
                    mx = mx.max(FloatVector.fromArray(s, in, inOff + base + d * inner + j, mask));
                }
                FloatVector acc = FloatVector.zero(s);
                for (int d = 0; d < dim; d++) {
                    int idx = base + d * inner + j;
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(s, in, inOff + idx, mask).sub(mx));
                    e.intoArray(out, outOff + idx, mask);
                    acc = acc.add(e);
                }
                FloatVector inv = FloatVector.broadcast(s, 1f).div(acc);
                for (int d = 0; d < dim; d++) {
                    int idx = outOff + base + d * inner + j;
                    FloatVector.fromArray(s, out, idx, mask).mul(inv).intoArray(out, idx, mask);
                }
            }
        }
    }

    private static final class W128 extends VectorNorms {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

        @Override
        public void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                              float[] bias, int bOff, int rows, int dim, float eps) {
            layerNorm(S, out, outOff, in, inOff, weight, wOff, bias, bOff, rows, dim, eps);
        }

        @Override
        public void layerNorm2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                float[] bias, int bOff, int batch, int channels, int pixels, float eps) {
            layerNorm2d(S, out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels, eps);
        }

        @Override
        public void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
            softmax(S, out, outOff, in, inOff, outer, dim, inner);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorNorms {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

        @Override
        public void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                              float[] bias, int bOff, int rows, int dim, float eps) {
            layerNorm(S, out, outOff, in, inOff, weight, wOff, bias, bOff, rows, dim, eps);
        }

        @Override
        public void layerNorm2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                float[] bias, int bOff, int batch, int channels, int pixels, float eps) {
            layerNorm2d(S, out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels, eps);
        }

        @Override
        public void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
            softmax(S, out, outOff, in, inOff, outer, dim, inner);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorNorms {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

        @Override
        public void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                              float[] bias, int bOff, int rows, int dim, float eps) {
            layerNorm(S, out, outOff, in, inOff, weight, wOff, bias, bOff, rows, dim, eps);
        }

        @Override
        public void layerNorm2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                float[] bias, int bOff, int batch, int channels, int pixels, float eps) {
            layerNorm2d(S, out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels, eps);
        }

        @Override
        public void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
            softmax(S, out, outOff, in, inOff, outer, dim, inner);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
