package dev.ocelli.kernels.act;

import jdk.incubator.vector.FloatVector;

/**
 * Vector API activations: the loop over {@code n} in vector steps, one masked step for the tail.
 *
 * <p><b>Species structure.</b> The Vector API only compiles to SIMD instructions where the species
 * is a constant. The loops therefore live in generated per-width classes
 * ({@code ActivationKernels128/256/512}, expanded from
 * {@code kernels/src/main/templates/ActivationKernels.java.in} by {@code widths.py}), each with its
 * own {@code static final} species; the three tiny subclasses here ({@link #S128}, {@link #S256},
 * {@link #S512}) just call their width's kernels, and {@link #preferred()} returns the one matching
 * {@code FloatVector.SPECIES_PREFERRED}. Tests run all three in one JVM.
 *
 * <p>Why not one generic method taking the species: it works only while the JIT happens to inline
 * it into a caller with a constant species, or to type-profile every vector call site. Measured
 * here: LayerNorm [577,1024] ran 0.71 ms that way, then fell to boxed vectors (4.1 ms,
 * 7 MB allocated per call) after a few thousand calls; with a per-width static final species it
 * runs 0.11 ms and allocates nothing. Large helpers have the same problem (see the GELU loop in
 * the template), so the hot math is written inside the loops.
 */
public abstract sealed class VectorActivations implements Activations {

    public static final VectorActivations S128 = new W128();
    public static final VectorActivations S256 = new W256();
    public static final VectorActivations S512 = new W512();

    /** The instance for {@code FloatVector.SPECIES_PREFERRED}. */
    public static VectorActivations preferred() {
        return forBits(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    /** The instance for a vector width of 128, 256 or 512 bits. */
    public static VectorActivations forBits(int bits) {
        return switch (bits) {
            case 128 -> S128;
            case 256 -> S256;
            case 512 -> S512;
            default -> throw new IllegalArgumentException("no float species of " + bits + " bits");
        };
    }

    private VectorActivations() {}

    /** One vector through activation f. */
    public static FloatVector one(Activation f, FloatVector v) {
        return switch (f) {
            case GELU -> VectorMath.gelu(v);
            case GELU_TANH -> VectorMath.geluTanh(v);
            case QUICK_GELU -> VectorMath.quickGelu(v);
            case SILU -> VectorMath.silu(v);
            case SIGMOID -> VectorMath.sigmoid(v);
            case TANH -> VectorMath.tanh(v);
        };
    }

    private static final class W128 extends VectorActivations {
        @Override
        public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
            ActivationKernels128.apply(f, out, outOff, in, inOff, n);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorActivations {
        @Override
        public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
            ActivationKernels256.apply(f, out, outOff, in, inOff, n);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorActivations {
        @Override
        public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
            ActivationKernels512.apply(f, out, outOff, in, inOff, n);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
