package dev.ocelli.kernels.resample;

import jdk.incubator.vector.FloatVector;

/**
 * Vector API {@link Resample}: interpolation runs as two separable passes per plane.
 * <ol>
 *   <li>Horizontal: every input row is resampled to outW columns into a scratch plane [inH, outW]
 *       (gathers along the row; scalar, the same products and order as the scalar twin).</li>
 *   <li>Vertical: each output row is Σ_i wy_i · scratch[iy_i, :], vectorized along the row,
 *       multiply then add (no FMA) so the result is bit-identical to the scalar twin.</li>
 * </ol>
 * This does inH·outW·tapsW + outH·outW·tapsH multiply-adds instead of the scalar twin's
 * outH·outW·tapsH·tapsW. The scratch plane is a per-thread buffer kept between calls (no
 * allocation in steady state); the tap tables (O(outH + outW)) are built per call.
 * Pooling is delegated to the scalar kernels: it is not on any hot path of the supported models.
 * Species structure as in {@link dev.ocelli.kernels.act.VectorActivations}: the loops live in the
 * generated per-width classes {@code ResampleKernels128/256/512} (template
 * {@code kernels/src/main/templates/ResampleKernels.java.in}).
 */
public abstract sealed class VectorResample implements Resample {

    public static final VectorResample S128 = new W128();
    public static final VectorResample S256 = new W256();
    public static final VectorResample S512 = new W512();

    public static VectorResample preferred() {
        return forBits(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    public static VectorResample forBits(int bits) {
        return switch (bits) {
            case 128 -> S128;
            case 256 -> S256;
            case 512 -> S512;
            default -> throw new IllegalArgumentException("no float species of " + bits + " bits");
        };
    }

    /** Per-thread scratch plane of the separable passes, grown on demand. */
    static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private VectorResample() {}

    @Override
    public void avgPool2d(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                          int kH, int kW, int sH, int sW, int pH, int pW) {
        ScalarResample.INSTANCE.avgPool2d(out, outOff, in, inOff, planes, inH, inW, kH, kW, sH, sW, pH, pW);
    }

    @Override
    public void adaptiveAvgPool2d(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                                  int outH, int outW) {
        ScalarResample.INSTANCE.adaptiveAvgPool2d(out, outOff, in, inOff, planes, inH, inW, outH, outW);
    }

    private static final class W128 extends VectorResample {
        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            ResampleKernels128.interpolate(mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorResample {
        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            ResampleKernels256.interpolate(mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorResample {
        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            ResampleKernels512.interpolate(mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
