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
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_256;
    static final IntVector GELU_T0 = IntVector.fromArray(IS, ScalarMath.GELU_EXP2_16THS_BITS, 0);
    static final IntVector GELU_T1 = IntVector.fromArray(IS, ScalarMath.GELU_EXP2_16THS_BITS, 8);

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
     * GELU loop with {@link VectorMath#gelu} written out inside the loop body (helpers that take
     * and return vectors are boxed when C2 leaves them out of line; this one once allocated
     * 150 MB per 4M-element call). Same operations in the same order as {@link ScalarMath#gelu},
     * so results are identical; the formula and its accuracy are described there.
     *
     * <p>Cost on the 2-vCPU dev machine (Zen 4: one zmm FMA/multiply per cycle, adds and integer
     * operations on other pipes, a zmm division every 6 cycles; harness figures in
     * docs/kernels/elementwise.md, "GELU kernel"): about 32 cycles per vector of 16 on one thread,
     * down from 40 for the previous form. What paid: erfc as erfcx(z)·e^(−z²) instead of
     * u·e^(G(u) − z²), so the exp (which now depends only on x²) and the polynomial form two
     * independent chains; e^r after a 16-entry table reduction (|r| ≤ ln2/32, degree 3 instead of
     * 7), the table one register permute; relu(x) − (|x|/2)·erfc as one FMA instead of a sign
     * blend; |x| clamped by an integer min instead of a compare and blend. Two vectors per
     * iteration, interleaved, so independent work sits side by side in the instruction stream.
     */
    private static void gelu(float[] out, int outOff, float[] in, int inOff, int n) {
        int step = S.length();
        int i = 0;
        // two vectors per iteration, A at i and B at i + step, their operations interleaved
        for (int bound = n - 2 * step + 1; i < bound; i += 2 * step) {
            FloatVector xA = FloatVector.fromArray(S, in, inOff + i);
            FloatVector xB = FloatVector.fromArray(S, in, inOff + i + step);
            FloatVector abA = xA.abs();
            FloatVector abB = xB.abs();
            FloatVector aA = abA.reinterpretAsInts().min(ScalarMath.GELU_CLAMP_BITS).reinterpretAsFloats();
            FloatVector aB = abB.reinterpretAsInts().min(ScalarMath.GELU_CLAMP_BITS).reinterpretAsFloats();
            FloatVector haA = aA.mul(0.5f);
            FloatVector haB = aB.mul(0.5f);
            // x²/2 = m − lo exactly; e^(−m + lo) = 2^k · 2^(j/16) · e^r
            FloatVector mA = haA.mul(aA);
            FloatVector mB = haB.mul(aB);
            FloatVector loA = haA.neg().fma(aA, mA);
            FloatVector loB = haB.neg().fma(aB, mB);
            FloatVector ttA = mA.fma(-ScalarMath.LOG2E_X16, ScalarMath.GELU_ROUND_MAGIC);
            FloatVector ttB = mB.fma(-ScalarMath.LOG2E_X16, ScalarMath.GELU_ROUND_MAGIC);
            FloatVector kfA = ttA.sub(ScalarMath.GELU_ROUND_MAGIC);
            FloatVector kfB = ttB.sub(ScalarMath.GELU_ROUND_MAGIC);
            FloatVector rA = loA.sub(kfA.fma(kfA.broadcast(ScalarMath.LN2_16_HI), mA));
            FloatVector rB = loB.sub(kfB.fma(kfB.broadcast(ScalarMath.LN2_16_HI), mB));
            rA = kfA.fma(kfA.broadcast(-ScalarMath.LN2_16_LO), rA);
            rB = kfB.fma(kfB.broadcast(-ScalarMath.LN2_16_LO), rB);
            FloatVector r2A = rA.mul(rA);
            FloatVector r2B = rB.mul(rB);
            FloatVector pA = r2A.fma(rA.fma(ScalarMath.GELU_P1, ScalarMath.GELU_P0), rA);
            FloatVector pB = r2B.fma(rB.fma(ScalarMath.GELU_P1, ScalarMath.GELU_P0), rB);
            IntVector tbA = ttA.reinterpretAsInts();
            IntVector tbB = ttB.reinterpretAsInts();
            IntVector jA = tbA.and(15);
            IntVector jB = tbB.and(15);
            FloatVector tjA = jA.selectFrom(GELU_T0, GELU_T1).reinterpretAsFloats();
            FloatVector tjB = jB.selectFrom(GELU_T0, GELU_T1).reinterpretAsFloats();
            // erfcx(z)/s = F(w), w = 2/(2 + |x|/√2) − center: F0 + w·(F1 + w·H(w²))
            FloatVector uA = aA.broadcast(2f).div(aA.fma(ScalarMath.INV_SQRT2, 2f));
            FloatVector uB = aB.broadcast(2f).div(aB.fma(ScalarMath.INV_SQRT2, 2f));
            FloatVector wA = uA.sub(ScalarMath.GELU_CENTER);
            FloatVector wB = uB.sub(ScalarMath.GELU_CENTER);
            FloatVector w2A = wA.mul(wA);
            FloatVector w2B = wB.mul(wB);
            FloatVector a1A = wA.fma(ScalarMath.GELU_F3, ScalarMath.GELU_F2);
            FloatVector a1B = wB.fma(ScalarMath.GELU_F3, ScalarMath.GELU_F2);
            FloatVector a2A = wA.fma(ScalarMath.GELU_F5, ScalarMath.GELU_F4);
            FloatVector a2B = wB.fma(ScalarMath.GELU_F5, ScalarMath.GELU_F4);
            FloatVector a3A = wA.fma(ScalarMath.GELU_F7, ScalarMath.GELU_F6);
            FloatVector a3B = wB.fma(ScalarMath.GELU_F7, ScalarMath.GELU_F6);
            FloatVector a4A = wA.fma(ScalarMath.GELU_F9, ScalarMath.GELU_F8);
            FloatVector a4B = wB.fma(ScalarMath.GELU_F9, ScalarMath.GELU_F8);
            FloatVector hA = w2A.fma(w2A.broadcast(ScalarMath.GELU_F10), a4A);
            FloatVector hB = w2B.fma(w2B.broadcast(ScalarMath.GELU_F10), a4B);
            hA = hA.fma(w2A, a3A);
            hB = hB.fma(w2B, a3B);
            hA = hA.fma(w2A, a2A);
            hB = hB.fma(w2B, a2B);
            hA = hA.fma(w2A, a1A);
            hB = hB.fma(w2B, a1B);
            FloatVector gA = hA.fma(wA, wA.broadcast(ScalarMath.GELU_F1)).fma(wA, wA.broadcast(ScalarMath.GELU_F0));
            FloatVector gB = hB.fma(wB, wB.broadcast(ScalarMath.GELU_F1)).fma(wB, wB.broadcast(ScalarMath.GELU_F0));
            FloatVector gtA = gA.mul(tjA);
            FloatVector gtB = gB.mul(tjB);
            FloatVector euA = gtA.fma(pA, gtA);
            FloatVector euB = gtB.fma(pB, gtB);
            // ·2^(k+64) on the exponent bits (stays normal), then ·(−2^−64): −erfc(z), one rounding if subnormal
            IntVector scaleA = tbA.lanewise(VectorOperators.ASHR, 4).lanewise(VectorOperators.LSHL, 23);
            IntVector scaleB = tbB.lanewise(VectorOperators.ASHR, 4).lanewise(VectorOperators.LSHL, 23);
            FloatVector neA = euA.reinterpretAsInts().add(scaleA).reinterpretAsFloats().mul(-0x1p-64f);
            FloatVector neB = euB.reinterpretAsInts().add(scaleB).reinterpretAsFloats().mul(-0x1p-64f);
            // relu(x) − (|x|/2)·erfc(z); relu = x·step(x), step from the sign bit (−0 → −0, −Inf → NaN)
            IntVector signA = xA.reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
            IntVector signB = xB.reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
            FloatVector reluA = xA.mul(signA.broadcast(ScalarMath.ONE_BITS).lanewise(VectorOperators.AND_NOT, signA).reinterpretAsFloats());
            FloatVector reluB = xB.mul(signB.broadcast(ScalarMath.ONE_BITS).lanewise(VectorOperators.AND_NOT, signB).reinterpretAsFloats());
            haA.fma(neA, reluA).intoArray(out, outOff + i);
            haB.fma(neB, reluB).intoArray(out, outOff + i + step);
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
