package dev.ocelli.kernels.act;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activations: the loop over {@code n} in vector steps, one masked step for the tail.
 *
 * <p><b>Species structure.</b> The Vector API only compiles to SIMD instructions when the species
 * is a constant where the vector operations are inlined. The loop lives in one generic method
 * taking the species; three tiny final subclasses ({@link #S128}, {@link #S256}, {@link #S512}) pass
 * their own {@code static final} species to it, and {@link #preferred()} returns the one matching
 * {@code FloatVector.SPECIES_PREFERRED}. A production JVM only ever calls the preferred one, so
 * the generic method is inlined with a constant species (measured: same speed as a hand-written
 * loop over SPECIES_512). The tests call all three widths in one JVM for correctness; there the JIT
 * sees several species at one call site and the code runs ~50× slower, which is harmless for
 * tests but means: do not mix widths in one JVM when timing (JMH forks one JVM per benchmark).
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

    static void apply(VectorSpecies<Float> s, Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
        Activations.checkRange("activation input", in, inOff, n);
        Activations.checkRange("activation output", out, outOff, n);
        int step = s.length();
        int bound = s.loopBound(n);
        int i = 0;
        // one loop per activation, so the switch is taken once per call, not once per vector
        switch (f) {
            case GELU -> {
                for (; i < bound; i += step) {
                    VectorMath.gelu(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
                }
            }
            case GELU_TANH -> {
                for (; i < bound; i += step) {
                    VectorMath.geluTanh(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
                }
            }
            case QUICK_GELU -> {
                for (; i < bound; i += step) {
                    VectorMath.quickGelu(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
                }
            }
            case SILU -> {
                for (; i < bound; i += step) {
                    VectorMath.silu(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
                }
            }
            case SIGMOID -> {
                for (; i < bound; i += step) {
                    VectorMath.sigmoid(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
                }
            }
            case TANH -> {
                for (; i < bound; i += step) {
                    VectorMath.tanh(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
                }
            }
        }
        // vector tail: masked-off lanes load 0 and are not stored
        if (i < n) {
            VectorMask<Float> m = s.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(s, in, inOff + i, m);
            one(f, v).intoArray(out, outOff + i, m);
        }
    }

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
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

        @Override
        public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
            apply(S, f, out, outOff, in, inOff, n);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorActivations {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

        @Override
        public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
            apply(S, f, out, outOff, in, inOff, n);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorActivations {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

        @Override
        public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
            apply(S, f, out, outOff, in, inOff, n);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
