package dev.ocelli.kernels.act;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GENERATED from kernels/src/main/templates/ActivationKernels.java.in by kernels/src/main/templates/widths.py; edit the
 * template, not this file. The kernels of {@link VectorActivations} for FloatVector.SPECIES_256: the
 * species is a {@code static final} of this class, so every method here compiles with a constant
 * species whether C2 compiles it on its own, inlined or on-stack-replaced (a species passed as an
 * argument only works when the JIT happens to inline or type-profile it; measured to fall back to
 * boxed vectors, 7 MB/op for LayerNorm [577,1024], after a few thousand calls).
 */
final class ActivationKernels256 {
    private ActivationKernels256() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

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
     * GELU loop with {@link VectorMath#gelu} written out inside the loop body. Called through
     * helpers, GELU is too big for C2'S inlining budget: the helpers were compiled on their own
     * first (with a non-constant species, i.e. boxed vectors) and then refused as "already compiled
     * into a big method" (measured: 150 MB allocated per 4M-element call). Same operations in the
     * same order as {@link ScalarMath#gelu}, so results are identical.
     *
     * <p>44 vector operations per vector (was 47), one of them a division. On the Zen 4 dev
     * machine a zmm FMA/multiply issues once per cycle (an add can go alongside), a division every
     * 6 cycles, and the loop was measured at ~50 cycles per vector before, ~42 after: what cost
     * more than the operation count was the dependency chain (one erfc is ~140 cycles of latency,
     * more than the out-of-order window overlaps), so G is evaluated with a w² inner Horner and
     * exp's polynomial in pairs (chain ~95 cycles), x/2 doubles as the square's factor, 2 + z is
     * one FMA and 2^(k+64) is an integer add. Min/max would cost more than the compare and blend
     * below (Java's NaN/−0 semantics compile to several instructions: +5 cycles measured).
     */
    private static void gelu(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(S, in, inOff + i);
            FloatVector half = x.mul(0.5f);
            FloatVector a = x.abs();
            // erfc(|t|) = u·exp(−x²/2 + G(u)), t = x/√2, u = 2/(2+|t|); −x²/2 = −m + lo exactly
            FloatVector m = half.mul(x);
            FloatVector lo = half.neg().fma(x, m);
            FloatVector u = a.broadcast(2f).div(a.fma(ScalarMath.INV_SQRT2, 2f));
            FloatVector w = u.sub(ScalarMath.G_CENTER);
            // G(w) = G0 + w·(G1 + w·H(w²)), H(w²) = (G2 + G3w) + w²·((G4 + G5w) + w²·(...))
            FloatVector w2 = w.mul(w);
            FloatVector a1 = w.fma(ScalarMath.G3, ScalarMath.G2);
            FloatVector a2 = w.fma(ScalarMath.G5, ScalarMath.G4);
            FloatVector a3 = w.fma(ScalarMath.G7, ScalarMath.G6);
            FloatVector a4 = w.fma(ScalarMath.G9, ScalarMath.G8);
            FloatVector h = w2.fma(w2.broadcast(ScalarMath.G10), a4);
            h = h.fma(w2, a3);
            h = h.fma(w2, a2);
            h = h.fma(w2, a1);
            FloatVector g = h.fma(w, w.broadcast(ScalarMath.G1)).fma(w, w.broadcast(ScalarMath.G0));
            // u·exp(−m + lo2): Cody–Waite with −m kept apart from lo2 = lo + G
            FloatVector lo2 = lo.add(g);
            FloatVector tt = lo2.sub(m).fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector kf = tt.sub(ScalarMath.ROUND_MAGIC);
            FloatVector r = lo2.sub(kf.fma(kf.broadcast(ScalarMath.LN2_HI), m));
            r = kf.fma(kf.broadcast(-ScalarMath.LN2_LO), r);
            FloatVector r2 = r.mul(r);
            FloatVector q = r.fma(ScalarMath.E5, ScalarMath.E4).fma(r2, r.fma(ScalarMath.E3, ScalarMath.E2))
                    .fma(r2, r.fma(ScalarMath.E1, ScalarMath.E0));
            FloatVector eu = u.fma(r2.fma(q, r), u);
            // ·2^(k+64) on the exponent bits (stays normal), then ·2^−64: one rounding for subnormal results
            IntVector scale = tt.reinterpretAsInts().add(ScalarMath.EXP64_BITS).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = eu.reinterpretAsInts().add(scale).reinterpretAsFloats().mul(0x1p-64f);
            e = e.blend(0f, a.compare(VectorOperators.GE, ScalarMath.GELU_ERFC_ZERO));
            // x/2·(2 − erfc(t)) for t ≥ 0, x/2·erfc(−t) for t < 0
            half.mul(e.blend(e.broadcast(2f).sub(e), x.compare(VectorOperators.GE, 0f))).intoArray(out, outOff + i);
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
