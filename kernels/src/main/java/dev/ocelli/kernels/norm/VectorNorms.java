package dev.ocelli.kernels.norm;

import dev.ocelli.kernels.act.VectorMath;
import jdk.incubator.vector.FloatVector;

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
 * Species structure as in {@link dev.ocelli.kernels.act.VectorActivations}: the loops live in the
 * generated per-width classes {@code NormKernels128/256/512} (template
 * {@code kernels/src/main/templates/NormKernels.java.in}).
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

    private static final class W128 extends VectorNorms {
        @Override
        public void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                              float[] bias, int bOff, int rows, int dim, float eps) {
            NormKernels128.layerNorm(out, outOff, in, inOff, weight, wOff, bias, bOff, rows, dim, eps);
        }

        @Override
        public void layerNorm2dPixels(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                      float[] bias, int bOff, int batch, int channels, int pixels, int p0, int p1,
                                      float eps) {
            NormKernels128.layerNorm2d(out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels, p0, p1,
                    eps);
        }

        @Override
        public void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
            NormKernels128.softmax(out, outOff, in, inOff, outer, dim, inner);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorNorms {
        @Override
        public void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                              float[] bias, int bOff, int rows, int dim, float eps) {
            NormKernels256.layerNorm(out, outOff, in, inOff, weight, wOff, bias, bOff, rows, dim, eps);
        }

        @Override
        public void layerNorm2dPixels(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                      float[] bias, int bOff, int batch, int channels, int pixels, int p0, int p1,
                                      float eps) {
            NormKernels256.layerNorm2d(out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels, p0, p1,
                    eps);
        }

        @Override
        public void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
            NormKernels256.softmax(out, outOff, in, inOff, outer, dim, inner);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorNorms {
        @Override
        public void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                              float[] bias, int bOff, int rows, int dim, float eps) {
            NormKernels512.layerNorm(out, outOff, in, inOff, weight, wOff, bias, bOff, rows, dim, eps);
        }

        @Override
        public void layerNorm2dPixels(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                      float[] bias, int bOff, int batch, int channels, int pixels, int p0, int p1,
                                      float eps) {
            NormKernels512.layerNorm2d(out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels, p0, p1,
                    eps);
        }

        @Override
        public void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
            NormKernels512.softmax(out, outOff, in, inOff, outer, dim, inner);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
