package dev.ocelli.kernels.resample;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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
 * Species structure as in {@link dev.ocelli.kernels.act.VectorActivations}.
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

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private VectorResample() {}

    static void interpolate(VectorSpecies<Float> s, Interp mode, boolean alignCorners, float[] out, int outOff,
                            float[] in, int inOff, int planes, int inH, int inW, int outH, int outW) {
        Resample.checkSizes("interpolate " + mode, planes, inH, inW, outH, outW);
        if (mode == Interp.NEAREST && alignCorners) {
            throw new IllegalArgumentException("interpolate: align_corners only applies to linear/cubic modes");
        }
        Resample.checkRange("interpolate input", in, inOff, (long) planes * inH * inW);
        Resample.checkRange("interpolate output", out, outOff, (long) planes * outH * outW);
        Taps ty = Taps.of(mode, alignCorners, inH, outH);
        Taps tx = Taps.of(mode, alignCorners, inW, outW);
        float[] tmp = SCRATCH.get();
        if (tmp.length < inH * outW) {
            tmp = new float[inH * outW];
            SCRATCH.set(tmp);
        }
        int[] xi = tx.idx(), yi = ty.idx();
        float[] xw = tx.w(), yw = ty.w();
        int kx = tx.taps(), ky = ty.taps();
        int step = s.length();
        int bound = s.loopBound(outW);
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
                    FloatVector acc = FloatVector.fromArray(s, tmp, r0 + ox).mul(w0);
                    for (int i = 1; i < ky; i++) {
                        acc = acc.add(FloatVector.fromArray(s, tmp, yi[oy * ky + i] * outW + ox).mul(yw[oy * ky + i]));
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
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            interpolate(S, mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorResample {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            interpolate(S, mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorResample {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            interpolate(S, mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
