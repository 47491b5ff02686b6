package dev.ocelli.kernels.act;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from kernels/src/main/templates/ActivationKernels.java.in by kernels/src/main/templates/widths.py; edit the
 * template, not this file. The kernels of {@link VectorActivations} for FloatVector.SPECIES_128: the
 * species is a {@code static final} of this class, so every method here compiles with a constant
 * species whether C2 compiles it on its own, inlined or on-stack-replaced (a species passed as an
 * argument only works when the JIT happens to inline or type-profile it; measured to fall back to
 * boxed vectors, 7 MB/op for LayerNorm [577,1024], after a few thousand calls).
 */
final class ActivationKernels128 {
    private ActivationKernels128() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

    // Tails are scalar: a masked vector step through the VectorMath helper (too big to inline
    // with a constant species) boxed its vectors, ~1.4 KB per call (measured).
    static void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
        Activations.checkRange("activation input", in, inOff, n);
        Activations.checkRange("activation output", out, outOff, n);
        // one method per activation: each is its own compilation unit, so the JIT'S inlining
        // budget is spent on one function (GELU alone inlines erf, erfc and exp; six loops in one
        // method hit C2'S node-count cutoff and fell back to boxed vectors, measured 150 MB/op)
        switch (f) {
            case GELU -> gelu(out, outOff, in, inOff, n);
            case GELU_TANH -> geluTanh(out, outOff, in, inOff, n);
            case QUICK_GELU -> quickGelu(out, outOff, in, inOff, n);
            case SILU -> silu(out, outOff, in, inOff, n);
            case SIGMOID -> sigmoid(out, outOff, in, inOff, n);
            case TANH -> tanh(out, outOff, in, inOff, n);
        }
    }

    /**
     * GELU loop with {@link VectorMath#gelu}'S erfc and exp written out inside the loop body. Called
     * through helpers, GELU is too big for C2'S inlining budget: the helpers were compiled on
     * their own first (with a non-constant species, i.e. boxed vectors) and then refused as
     * "already compiled into a big method" (measured: 150 MB allocated per 4M-element call).
     * Same operations in the same order as the helpers, so results are identical. One erfc per
     * lane serves both signs (see {@link ScalarMath#gelu}): about 40 vector operations, one of
     * them a division.
     */
    private static void gelu(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(S, in, inOff + i);
            FloatVector t = x.mul(ScalarMath.INV_SQRT2);
            // erfc(|t|) = u·exp(−x²/2 + G(u)), −x²/2 = hi + lo exactly
            FloatVector z = t.abs();
            FloatVector nh = x.mul(-0.5f);
            FloatVector hi = nh.mul(x);
            FloatVector lo = nh.fma(x, hi.neg());
            FloatVector u = z.broadcast(2f).div(z.add(2f));
            FloatVector w = u.sub(ScalarMath.G_CENTER);
            FloatVector g = w.fma(ScalarMath.G10, ScalarMath.G9);
            g = g.fma(w, w.broadcast(ScalarMath.G8));
            g = g.fma(w, w.broadcast(ScalarMath.G7));
            g = g.fma(w, w.broadcast(ScalarMath.G6));
            g = g.fma(w, w.broadcast(ScalarMath.G5));
            g = g.fma(w, w.broadcast(ScalarMath.G4));
            g = g.fma(w, w.broadcast(ScalarMath.G3));
            g = g.fma(w, w.broadcast(ScalarMath.G2));
            g = g.fma(w, w.broadcast(ScalarMath.G1));
            g = g.fma(w, w.broadcast(ScalarMath.G0));
            FloatVector lo2 = lo.add(g);
            // exp(hi + lo2)·u
            FloatVector sum = hi.add(lo2);
            FloatVector tt = sum.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector kf = tt.sub(ScalarMath.ROUND_MAGIC);
            FloatVector r = kf.fma(kf.broadcast(-ScalarMath.LN2_HI), hi);
            r = r.add(lo2);
            r = kf.fma(kf.broadcast(-ScalarMath.LN2_LO), r);
            FloatVector e = r.fma(ScalarMath.E5, ScalarMath.E4);
            e = e.fma(r, r.broadcast(ScalarMath.E3));
            e = e.fma(r, r.broadcast(ScalarMath.E2));
            e = e.fma(r, r.broadcast(ScalarMath.E1));
            e = e.fma(r, r.broadcast(ScalarMath.E0));
            // ·2^k as ·2^(k+64)·2^−64: one rounding for denormal results (ScalarMath.exp2parts)
            FloatVector twoK64 = tt.reinterpretAsInts().sub(ScalarMath.SCALE64_BITS).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            e = r.mul(r).fma(e, r).add(1f).mul(u).mul(twoK64).mul(0x1p-64f);
            e = e.blend(0f, z.compare(VectorOperators.GE, ScalarMath.ERFC_ZERO));
            // x/2·(2 − erfc(t)) for t ≥ 0, x/2·erfc(−t) for t < 0
            FloatVector half = x.mul(0.5f);
            half.mul(e.blend(e.neg().add(2f), t.compare(VectorOperators.GE, 0f))).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.gelu(in[inOff + i]);
        }
    }

    private static void geluTanh(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            VectorMath.geluTanh(FloatVector.fromArray(S, in, inOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.geluTanh(in[inOff + i]);
        }
    }

    private static void quickGelu(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            VectorMath.quickGelu(FloatVector.fromArray(S, in, inOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.quickGelu(in[inOff + i]);
        }
    }

    private static void silu(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            VectorMath.silu(FloatVector.fromArray(S, in, inOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.silu(in[inOff + i]);
        }
    }

    private static void sigmoid(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            VectorMath.sigmoid(FloatVector.fromArray(S, in, inOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.sigmoid(in[inOff + i]);
        }
    }

    private static void tanh(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            VectorMath.tanh(FloatVector.fromArray(S, in, inOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.tanh(in[inOff + i]);
        }
    }
}
