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
    // with a constant species) boxed its vectors, ~1.4 KB per call (measured). For the same reason
    // every loop below writes its formula out (exp included) instead of calling VectorMath: a
    // vector passed to or returned from a helper that C2 leaves out of line is boxed, and on small
    // inputs (1000 floats, one thread) the helper-calling loops allocated 12–54 KB per call in
    // steady state (ThreadMXBean count over all threads). Same operations, same order: same bits.
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
     * <p>Cost, measured on the 2-vCPU dev machine (AMD family 25 model 17, i.e. Zen 4: a zmm
     * FMA/multiply issues once per cycle and an add can issue beside it, a zmm division once per
     * 6 cycles): the former loop was 47 vector operations and ~50 cycles per vector, and what it
     * lost beyond the operation count was the dependency chain (one GELU was ~140 cycles of
     * latency; the out-of-order window did not overlap enough iterations to hide it). This loop
     * is 44 operations (one a division) with a ~95-cycle chain: G as G0 + w·(G1 + w·H(w²)) and
     * exp's polynomial in pairs, x/2 doubling as the factor of −x²/2, 2 + |t| one FMA, u·(1 + p)
     * one FMA, 2^(k+64) an integer add on the exponent bits; and two vectors per iteration,
     * interleaved, so independent work sits next to each other in the instruction stream. About
     * 40 cycles per vector single-threaded (harness figures in docs/kernels/elementwise.md).
     * Min/max instead of the compare and blend below measured 5 cycles slower (Java's NaN and
     * −0 semantics compile to several instructions).
     */
    private static void gelu(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        // two vectors per iteration, A at i and B at i + step, their operations interleaved
        for (int bound = n - 2 * step + 1; i < bound; i += 2 * step) {
            FloatVector xA = FloatVector.fromArray(S, in, inOff + i);
            FloatVector xB = FloatVector.fromArray(S, in, inOff + i + step);
            FloatVector halfA = xA.mul(0.5f);
            FloatVector halfB = xB.mul(0.5f);
            FloatVector aA = xA.abs();
            FloatVector aB = xB.abs();
            // erfc(|t|) = u·exp(−x²/2 + G(u)), t = x/√2, u = 2/(2+|t|); −x²/2 = −m + lo exactly
            FloatVector mA = halfA.mul(xA);
            FloatVector mB = halfB.mul(xB);
            FloatVector loA = halfA.neg().fma(xA, mA);
            FloatVector loB = halfB.neg().fma(xB, mB);
            FloatVector uA = aA.broadcast(2f).div(aA.fma(ScalarMath.INV_SQRT2, 2f));
            FloatVector uB = aB.broadcast(2f).div(aB.fma(ScalarMath.INV_SQRT2, 2f));
            FloatVector wA = uA.sub(ScalarMath.G_CENTER);
            FloatVector wB = uB.sub(ScalarMath.G_CENTER);
            // G(w) = G0 + w·(G1 + w·H(w²)), H(w²) = (G2 + G3w) + w²·((G4 + G5w) + w²·(...))
            FloatVector w2A = wA.mul(wA);
            FloatVector w2B = wB.mul(wB);
            FloatVector a1A = wA.fma(ScalarMath.G3, ScalarMath.G2);
            FloatVector a1B = wB.fma(ScalarMath.G3, ScalarMath.G2);
            FloatVector a2A = wA.fma(ScalarMath.G5, ScalarMath.G4);
            FloatVector a2B = wB.fma(ScalarMath.G5, ScalarMath.G4);
            FloatVector a3A = wA.fma(ScalarMath.G7, ScalarMath.G6);
            FloatVector a3B = wB.fma(ScalarMath.G7, ScalarMath.G6);
            FloatVector a4A = wA.fma(ScalarMath.G9, ScalarMath.G8);
            FloatVector a4B = wB.fma(ScalarMath.G9, ScalarMath.G8);
            FloatVector hA = w2A.fma(w2A.broadcast(ScalarMath.G10), a4A);
            FloatVector hB = w2B.fma(w2B.broadcast(ScalarMath.G10), a4B);
            hA = hA.fma(w2A, a3A);
            hB = hB.fma(w2B, a3B);
            hA = hA.fma(w2A, a2A);
            hB = hB.fma(w2B, a2B);
            hA = hA.fma(w2A, a1A);
            hB = hB.fma(w2B, a1B);
            FloatVector gA = hA.fma(wA, wA.broadcast(ScalarMath.G1)).fma(wA, wA.broadcast(ScalarMath.G0));
            FloatVector gB = hB.fma(wB, wB.broadcast(ScalarMath.G1)).fma(wB, wB.broadcast(ScalarMath.G0));
            // u·exp(−m + lo2): Cody–Waite with −m kept apart from lo2 = lo + G
            FloatVector lo2A = loA.add(gA);
            FloatVector lo2B = loB.add(gB);
            FloatVector ttA = lo2A.sub(mA).fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector ttB = lo2B.sub(mB).fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector kfA = ttA.sub(ScalarMath.ROUND_MAGIC);
            FloatVector kfB = ttB.sub(ScalarMath.ROUND_MAGIC);
            FloatVector rA = lo2A.sub(kfA.fma(kfA.broadcast(ScalarMath.LN2_HI), mA));
            FloatVector rB = lo2B.sub(kfB.fma(kfB.broadcast(ScalarMath.LN2_HI), mB));
            rA = kfA.fma(kfA.broadcast(-ScalarMath.LN2_LO), rA);
            rB = kfB.fma(kfB.broadcast(-ScalarMath.LN2_LO), rB);
            FloatVector r2A = rA.mul(rA);
            FloatVector r2B = rB.mul(rB);
            FloatVector qA = rA.fma(ScalarMath.E5, ScalarMath.E4).fma(r2A, rA.fma(ScalarMath.E3, ScalarMath.E2))
                    .fma(r2A, rA.fma(ScalarMath.E1, ScalarMath.E0));
            FloatVector qB = rB.fma(ScalarMath.E5, ScalarMath.E4).fma(r2B, rB.fma(ScalarMath.E3, ScalarMath.E2))
                    .fma(r2B, rB.fma(ScalarMath.E1, ScalarMath.E0));
            FloatVector euA = uA.fma(r2A.fma(qA, rA), uA);
            FloatVector euB = uB.fma(r2B.fma(qB, rB), uB);
            // ·2^(k+64) on the exponent bits (stays normal), then ·2^−64: one rounding for subnormal results
            IntVector scaleA = ttA.reinterpretAsInts().add(ScalarMath.EXP64_BITS).lanewise(VectorOperators.LSHL, 23);
            IntVector scaleB = ttB.reinterpretAsInts().add(ScalarMath.EXP64_BITS).lanewise(VectorOperators.LSHL, 23);
            FloatVector eA = euA.reinterpretAsInts().add(scaleA).reinterpretAsFloats().mul(0x1p-64f);
            FloatVector eB = euB.reinterpretAsInts().add(scaleB).reinterpretAsFloats().mul(0x1p-64f);
            eA = eA.blend(0f, aA.compare(VectorOperators.GE, ScalarMath.GELU_ERFC_ZERO));
            eB = eB.blend(0f, aB.compare(VectorOperators.GE, ScalarMath.GELU_ERFC_ZERO));
            // x/2·(2 − erfc(t)) for t ≥ 0, x/2·erfc(−t) for t < 0
            halfA.mul(eA.blend(eA.broadcast(2f).sub(eA), xA.compare(VectorOperators.GE, 0f)))
                    .intoArray(out, outOff + i);
            halfB.mul(eB.blend(eB.broadcast(2f).sub(eB), xB.compare(VectorOperators.GE, 0f)))
                    .intoArray(out, outOff + i + step);
        }
        // scalar tail (< 2 vectors): ScalarMath is the lane-for-lane twin (same bits)
        for (; i < n; i++) {
            out[outOff + i] = ScalarMath.gelu(in[inOff + i]);
        }
    }

    private static void geluTanh(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(S, in, inOff + i);
            FloatVector inner = x.mul(x).mul(x).fma(x.broadcast(ScalarMath.GELU_TANH_KAPPA), x);
            FloatVector gs = inner.mul(2f * ScalarMath.GELU_TANH_BETA);
            // ge = e^(gs.abs().neg()), VectorMath.exp written out (see the class comment)
            FloatVector gex = (gs.abs().neg()).max(ScalarMath.EXP_LO).min(ScalarMath.EXP_HI);
            FloatVector get = gex.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector gekf = get.sub(ScalarMath.ROUND_MAGIC);
            IntVector gek = get.reinterpretAsInts().sub(ScalarMath.ROUND_MAGIC_BITS);
            FloatVector ger = gekf.fma(gekf.broadcast(-ScalarMath.LN2_HI), gex);
            ger = gekf.fma(gekf.broadcast(-ScalarMath.LN2_LO), ger);
            FloatVector geq = ger.fma(ScalarMath.E5, ScalarMath.E4);
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E3));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E2));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E1));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E0));
            FloatVector gep = ger.mul(ger).fma(geq, ger).add(1f);
            IntVector gek1 = gek.lanewise(VectorOperators.ASHR, 1);
            IntVector gek2 = gek.sub(gek1);
            FloatVector gef1 = gek1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector gef2 = gek2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector ge = gep.mul(gef1).mul(gef2);
            FloatVector sg = ge.blend(1f, gs.compare(VectorOperators.GE, 0f)).div(ge.add(1f));
            x.mul(sg).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.geluTanh(in[inOff + i]);
        }
    }

    private static void quickGelu(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(S, in, inOff + i);
            FloatVector gs = x.mul(ScalarMath.QUICK_GELU_ALPHA);
            // ge = e^(gs.abs().neg()), VectorMath.exp written out (see the class comment)
            FloatVector gex = (gs.abs().neg()).max(ScalarMath.EXP_LO).min(ScalarMath.EXP_HI);
            FloatVector get = gex.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector gekf = get.sub(ScalarMath.ROUND_MAGIC);
            IntVector gek = get.reinterpretAsInts().sub(ScalarMath.ROUND_MAGIC_BITS);
            FloatVector ger = gekf.fma(gekf.broadcast(-ScalarMath.LN2_HI), gex);
            ger = gekf.fma(gekf.broadcast(-ScalarMath.LN2_LO), ger);
            FloatVector geq = ger.fma(ScalarMath.E5, ScalarMath.E4);
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E3));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E2));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E1));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E0));
            FloatVector gep = ger.mul(ger).fma(geq, ger).add(1f);
            IntVector gek1 = gek.lanewise(VectorOperators.ASHR, 1);
            IntVector gek2 = gek.sub(gek1);
            FloatVector gef1 = gek1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector gef2 = gek2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector ge = gep.mul(gef1).mul(gef2);
            FloatVector sg = ge.blend(1f, gs.compare(VectorOperators.GE, 0f)).div(ge.add(1f));
            x.mul(sg).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.quickGelu(in[inOff + i]);
        }
    }

    private static void silu(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(S, in, inOff + i);
            FloatVector gs = x;
            // ge = e^(gs.abs().neg()), VectorMath.exp written out (see the class comment)
            FloatVector gex = (gs.abs().neg()).max(ScalarMath.EXP_LO).min(ScalarMath.EXP_HI);
            FloatVector get = gex.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector gekf = get.sub(ScalarMath.ROUND_MAGIC);
            IntVector gek = get.reinterpretAsInts().sub(ScalarMath.ROUND_MAGIC_BITS);
            FloatVector ger = gekf.fma(gekf.broadcast(-ScalarMath.LN2_HI), gex);
            ger = gekf.fma(gekf.broadcast(-ScalarMath.LN2_LO), ger);
            FloatVector geq = ger.fma(ScalarMath.E5, ScalarMath.E4);
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E3));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E2));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E1));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E0));
            FloatVector gep = ger.mul(ger).fma(geq, ger).add(1f);
            IntVector gek1 = gek.lanewise(VectorOperators.ASHR, 1);
            IntVector gek2 = gek.sub(gek1);
            FloatVector gef1 = gek1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector gef2 = gek2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector ge = gep.mul(gef1).mul(gef2);
            FloatVector sg = ge.blend(1f, gs.compare(VectorOperators.GE, 0f)).div(ge.add(1f));
            x.mul(sg).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.silu(in[inOff + i]);
        }
    }

    private static void sigmoid(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(S, in, inOff + i);
            FloatVector gs = x;
            // ge = e^(gs.abs().neg()), VectorMath.exp written out (see the class comment)
            FloatVector gex = (gs.abs().neg()).max(ScalarMath.EXP_LO).min(ScalarMath.EXP_HI);
            FloatVector get = gex.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector gekf = get.sub(ScalarMath.ROUND_MAGIC);
            IntVector gek = get.reinterpretAsInts().sub(ScalarMath.ROUND_MAGIC_BITS);
            FloatVector ger = gekf.fma(gekf.broadcast(-ScalarMath.LN2_HI), gex);
            ger = gekf.fma(gekf.broadcast(-ScalarMath.LN2_LO), ger);
            FloatVector geq = ger.fma(ScalarMath.E5, ScalarMath.E4);
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E3));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E2));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E1));
            geq = geq.fma(ger, ger.broadcast(ScalarMath.E0));
            FloatVector gep = ger.mul(ger).fma(geq, ger).add(1f);
            IntVector gek1 = gek.lanewise(VectorOperators.ASHR, 1);
            IntVector gek2 = gek.sub(gek1);
            FloatVector gef1 = gek1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector gef2 = gek2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector ge = gep.mul(gef1).mul(gef2);
            FloatVector y = ge.blend(1f, gs.compare(VectorOperators.GE, 0f)).div(ge.add(1f));
            y.intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.sigmoid(in[inOff + i]);
        }
    }

    private static void tanh(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(S, in, inOff + i);
            FloatVector z = x.abs();
            FloatVector s = x.mul(x);
            FloatVector q = s.fma(ScalarMath.T5, ScalarMath.T4);
            q = q.fma(s, s.broadcast(ScalarMath.T3));
            q = q.fma(s, s.broadcast(ScalarMath.T2));
            q = q.fma(s, s.broadcast(ScalarMath.T1));
            q = q.fma(s, s.broadcast(ScalarMath.T0));
            FloatVector small = x.mul(s).fma(q, x);
            // e = e^(z.add(z)), VectorMath.exp written out (see the class comment)
            FloatVector ex = (z.add(z)).max(ScalarMath.EXP_LO).min(ScalarMath.EXP_HI);
            FloatVector et = ex.fma(ScalarMath.LOG2E, ScalarMath.ROUND_MAGIC);
            FloatVector ekf = et.sub(ScalarMath.ROUND_MAGIC);
            IntVector ek = et.reinterpretAsInts().sub(ScalarMath.ROUND_MAGIC_BITS);
            FloatVector er = ekf.fma(ekf.broadcast(-ScalarMath.LN2_HI), ex);
            er = ekf.fma(ekf.broadcast(-ScalarMath.LN2_LO), er);
            FloatVector eq = er.fma(ScalarMath.E5, ScalarMath.E4);
            eq = eq.fma(er, er.broadcast(ScalarMath.E3));
            eq = eq.fma(er, er.broadcast(ScalarMath.E2));
            eq = eq.fma(er, er.broadcast(ScalarMath.E1));
            eq = eq.fma(er, er.broadcast(ScalarMath.E0));
            FloatVector ep = er.mul(er).fma(eq, er).add(1f);
            IntVector ek1 = ek.lanewise(VectorOperators.ASHR, 1);
            IntVector ek2 = ek.sub(ek1);
            FloatVector ef1 = ek1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector ef2 = ek2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = ep.mul(ef1).mul(ef2);
            FloatVector r = x.broadcast(2f).div(e.add(1f)).neg().add(1f);
            r = r.blend(r.neg(), x.compare(VectorOperators.LT, 0f));
            r.blend(small, z.compare(VectorOperators.LT, ScalarMath.TANH_SMALL)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail: ScalarMath is the lane-for-lane twin (same bits)
            out[outOff + i] = ScalarMath.tanh(in[inOff + i]);
        }
    }
}
