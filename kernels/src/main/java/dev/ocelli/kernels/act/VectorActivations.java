package dev.ocelli.kernels.act;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
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
        // one method per activation: each is its own compilation unit, so the JIT's inlining
        // budget is spent on one function (GELU alone inlines erf, erfc and exp; six loops in one
        // method hit C2's node-count cutoff and fell back to boxed vectors, measured 150 MB/op)
        switch (f) {
            case GELU -> gelu(s, out, outOff, in, inOff, n);
            case GELU_TANH -> geluTanh(s, out, outOff, in, inOff, n);
            case QUICK_GELU -> quickGelu(s, out, outOff, in, inOff, n);
            case SILU -> silu(s, out, outOff, in, inOff, n);
            case SIGMOID -> sigmoid(s, out, outOff, in, inOff, n);
            case TANH -> tanh(s, out, outOff, in, inOff, n);
        }
    }

    /**
     * GELU loop with {@link VectorMath#gelu}'s erf, erfc and exp written out inside the loop body. Called
     * through helpers, GELU is too big for C2's inlining budget: the helpers were compiled on
     * their own first (with a non-constant species, i.e. boxed vectors) and then refused as
     * "already compiled into a big method" (measured: 150 MB allocated per 4M-element call).
     * Same operations in the same order as the helpers, so results are identical.
     */
    private static void gelu(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, int n) {
        int step = s.length();
        int i = 0;
        for (int bound = s.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(s, in, inOff + i);
            FloatVector t = x.mul(ScalarMath.INV_SQRT2);
            FloatVector half = x.mul(0.5f);
            // small |t|: erf(t) = t + t·P(t²)
            FloatVector s2 = t.mul(t);
            FloatVector q = s2.fma(ScalarMath.R7, ScalarMath.R6);
            q = q.fma(s2, s2.broadcast(ScalarMath.R5));
            q = q.fma(s2, s2.broadcast(ScalarMath.R4));
            q = q.fma(s2, s2.broadcast(ScalarMath.R3));
            q = q.fma(s2, s2.broadcast(ScalarMath.R2));
            q = q.fma(s2, s2.broadcast(ScalarMath.R1));
            q = q.fma(s2, s2.broadcast(ScalarMath.R0));
            FloatVector smallRes = half.mul(t.fma(q, t).add(1f));
            // erfc(|t|) = u·exp(−x²/2 + G(u)), −x²/2 = hi + lo exactly
            FloatVector z = t.abs();
            FloatVector xx = x.mul(x);
            FloatVector hi = xx.mul(0.5f).neg();
            FloatVector lo = x.fma(x, xx.neg()).mul(0.5f).neg();
            FloatVector u = z.broadcast(2f).div(z.add(2f));
            FloatVector g = u.fma(ScalarMath.G9, ScalarMath.G8);
            g = g.fma(u, u.broadcast(ScalarMath.G7));
            g = g.fma(u, u.broadcast(ScalarMath.G6));
            g = g.fma(u, u.broadcast(ScalarMath.G5));
            g = g.fma(u, u.broadcast(ScalarMath.G4));
            g = g.fma(u, u.broadcast(ScalarMath.G3));
            g = g.fma(u, u.broadcast(ScalarMath.G2));
            g = g.fma(u, u.broadcast(ScalarMath.G1));
            g = g.fma(u, u.broadcast(ScalarMath.G0));
            FloatVector lo2 = lo.add(g);
            // exp(hi + lo2)·u
            FloatVector sum = hi.add(lo2);
            FloatVector tt = sum.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector kf = tt.sub(ScalarMath.ROUND_MAGIC);
            IntVector k = (IntVector) tt.reinterpretAsInts().sub(ScalarMath.ROUND_MAGIC_BITS);
            FloatVector r = kf.fma(kf.broadcast(-ScalarMath.LN2_HI), hi);
            r = r.add(lo2);
            r = kf.fma(kf.broadcast(-ScalarMath.LN2_LO), r);
            FloatVector e = r.fma(ScalarMath.E5, ScalarMath.E4);
            e = e.fma(r, r.broadcast(ScalarMath.E3));
            e = e.fma(r, r.broadcast(ScalarMath.E2));
            e = e.fma(r, r.broadcast(ScalarMath.E1));
            e = e.fma(r, r.broadcast(ScalarMath.E0));
            e = r.mul(r).fma(e, r).add(1f).mul(u);
            IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            IntVector k2 = k.sub(k1);
            e = e.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            e = e.blend(0f, z.compare(VectorOperators.GE, ScalarMath.ERFC_ZERO));
            FloatVector big = e.neg().add(2f);
            FloatVector res = half.mul(e.blend(big, t.compare(VectorOperators.GE, 1f)));
            res.blend(smallRes, t.compare(VectorOperators.GE, -0.5f).and(t.compare(VectorOperators.LT, 1f))).intoArray(out, outOff + i);
        }
        if (i < n) { // vector tail: masked-off lanes load 0 and are not stored
            VectorMask<Float> m = s.indexInRange(i, n);
            VectorMath.gelu(FloatVector.fromArray(s, in, inOff + i, m)).intoArray(out, outOff + i, m);
        }
    }

    private static void geluTanh(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, int n) {
        int step = s.length();
        int i = 0;
        for (int bound = s.loopBound(n); i < bound; i += step) {
            VectorMath.geluTanh(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) { // vector tail: masked-off lanes load 0 and are not stored
            VectorMask<Float> m = s.indexInRange(i, n);
            VectorMath.geluTanh(FloatVector.fromArray(s, in, inOff + i, m)).intoArray(out, outOff + i, m);
        }
    }

    private static void quickGelu(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, int n) {
        int step = s.length();
        int i = 0;
        for (int bound = s.loopBound(n); i < bound; i += step) {
            VectorMath.quickGelu(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) { // vector tail: masked-off lanes load 0 and are not stored
            VectorMask<Float> m = s.indexInRange(i, n);
            VectorMath.quickGelu(FloatVector.fromArray(s, in, inOff + i, m)).intoArray(out, outOff + i, m);
        }
    }

    private static void silu(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, int n) {
        int step = s.length();
        int i = 0;
        for (int bound = s.loopBound(n); i < bound; i += step) {
            VectorMath.silu(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) { // vector tail: masked-off lanes load 0 and are not stored
            VectorMask<Float> m = s.indexInRange(i, n);
            VectorMath.silu(FloatVector.fromArray(s, in, inOff + i, m)).intoArray(out, outOff + i, m);
        }
    }

    private static void sigmoid(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, int n) {
        int step = s.length();
        int i = 0;
        for (int bound = s.loopBound(n); i < bound; i += step) {
            VectorMath.sigmoid(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) { // vector tail: masked-off lanes load 0 and are not stored
            VectorMask<Float> m = s.indexInRange(i, n);
            VectorMath.sigmoid(FloatVector.fromArray(s, in, inOff + i, m)).intoArray(out, outOff + i, m);
        }
    }

    private static void tanh(VectorSpecies<Float> s, float[] out, int outOff, float[] in, int inOff, int n) {
        int step = s.length();
        int i = 0;
        for (int bound = s.loopBound(n); i < bound; i += step) {
            VectorMath.tanh(FloatVector.fromArray(s, in, inOff + i)).intoArray(out, outOff + i);
        }
        if (i < n) { // vector tail: masked-off lanes load 0 and are not stored
            VectorMask<Float> m = s.indexInRange(i, n);
            VectorMath.tanh(FloatVector.fromArray(s, in, inOff + i, m)).intoArray(out, outOff + i, m);
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
