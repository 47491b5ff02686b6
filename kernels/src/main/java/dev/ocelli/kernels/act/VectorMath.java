package dev.ocelli.kernels.act;

import static dev.ocelli.kernels.act.ScalarMath.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The Vector API twin of {@link ScalarMath}: the same algorithms, constants and FMAs, lane by lane,
 * so each function here equals its scalar twin bit for bit (the tests check that). Branches of the
 * scalar code become "compute both, blend": e.g. erf computes the small-|x| polynomial and the
 * erfc form for every lane and keeps the one its range asks for.
 *
 * <p>These methods take the species from their argument, so they work for any width; they are
 * meant to be inlined into a loop whose species is a {@code static final} constant (see
 * {@link VectorActivations}).
 */
public final class VectorMath {
    private VectorMath() {}

    /** e^x lane-wise; see {@link ScalarMath#exp}. */
    public static FloatVector exp(FloatVector x) {
        x = x.max(EXP_LO).min(EXP_HI);
        FloatVector t = x.fma(LOG2E, ROUND_MAGIC);
        FloatVector kf = t.sub(ROUND_MAGIC);
        IntVector k = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector r = kf.fma(kf.broadcast(-LN2_HI), x);
        r = kf.fma(kf.broadcast(-LN2_LO), r);
        return scale2k(expPoly(r), k);
    }

    /** See {@link ScalarMath#exp2parts}. */
    static FloatVector exp2parts(FloatVector hi, FloatVector lo, FloatVector factor) {
        FloatVector s = hi.add(lo);
        FloatVector t = s.fma(LOG2E, ROUND_MAGIC);
        FloatVector kf = t.sub(ROUND_MAGIC);
        FloatVector r = kf.fma(kf.broadcast(-LN2_HI), hi);
        r = r.add(lo);
        r = kf.fma(kf.broadcast(-LN2_LO), r);
        FloatVector twoK64 = t.reinterpretAsInts().sub(SCALE64_BITS).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return expPoly(r).mul(factor).mul(twoK64).mul(0x1p-64f);
    }

    static FloatVector expPoly(FloatVector r) {
        FloatVector q = r.fma(E5, E4);
        q = q.fma(r, r.broadcast(E3));
        q = q.fma(r, r.broadcast(E2));
        q = q.fma(r, r.broadcast(E1));
        q = q.fma(r, r.broadcast(E0));
        FloatVector p = r.mul(r).fma(q, r);
        return p.add(1f);
    }

    static FloatVector scale2k(FloatVector p, IntVector k) {
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector f1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector f2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(f1).mul(f2);
    }

    /** erf lane-wise; see {@link ScalarMath#erf}. */
    public static FloatVector erf(FloatVector x) {
        FloatVector z = x.abs();
        FloatVector small = erfSmall(x);
        FloatVector zz = z.mul(z);
        FloatVector hi = zz.neg();
        FloatVector lo = z.fma(z, zz.neg()).neg();
        FloatVector r = erfcCore(z, hi, lo).neg().add(1f);
        r = r.blend(1f, z.compare(VectorOperators.GE, ERFC_ZERO));
        r = r.blend(r.neg(), x.compare(VectorOperators.LT, 0f));
        return r.blend(small, z.compare(VectorOperators.LT, 1f));
    }

    static FloatVector erfcCore(FloatVector z, FloatVector hi, FloatVector lo) {
        FloatVector u = z.broadcast(2f).div(z.add(2f));
        FloatVector w = u.sub(G_CENTER);
        FloatVector g = w.fma(G10, G9);
        g = g.fma(w, w.broadcast(G8));
        g = g.fma(w, w.broadcast(G7));
        g = g.fma(w, w.broadcast(G6));
        g = g.fma(w, w.broadcast(G5));
        g = g.fma(w, w.broadcast(G4));
        g = g.fma(w, w.broadcast(G3));
        g = g.fma(w, w.broadcast(G2));
        g = g.fma(w, w.broadcast(G1));
        g = g.fma(w, w.broadcast(G0));
        return exp2parts(hi, lo.add(g), u);
    }

    static FloatVector erfSmall(FloatVector x) {
        FloatVector s = x.mul(x);
        FloatVector q = s.fma(R7, R6);
        q = q.fma(s, s.broadcast(R5));
        q = q.fma(s, s.broadcast(R4));
        q = q.fma(s, s.broadcast(R3));
        q = q.fma(s, s.broadcast(R2));
        q = q.fma(s, s.broadcast(R1));
        q = q.fma(s, s.broadcast(R0));
        return x.fma(q, x);
    }

    /** tanh lane-wise; see {@link ScalarMath#tanh}. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector z = x.abs();
        FloatVector s = x.mul(x);
        FloatVector q = s.fma(T5, T4);
        q = q.fma(s, s.broadcast(T3));
        q = q.fma(s, s.broadcast(T2));
        q = q.fma(s, s.broadcast(T1));
        q = q.fma(s, s.broadcast(T0));
        FloatVector small = x.mul(s).fma(q, x);
        FloatVector e = exp(z.add(z));
        FloatVector r = x.broadcast(2f).div(e.add(1f)).neg().add(1f);
        r = r.blend(r.neg(), x.compare(VectorOperators.LT, 0f));
        return r.blend(small, z.compare(VectorOperators.LT, TANH_SMALL));
    }

    /** sigmoid lane-wise; see {@link ScalarMath#sigmoid}. */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector d = e.add(1f);
        return e.blend(1f, x.compare(VectorOperators.GE, 0f)).div(d);
    }

    /** GELU (exact erf form) lane-wise; see {@link ScalarMath#gelu} (same operations, same order). */
    public static FloatVector gelu(FloatVector x) {
        FloatVector half = x.mul(0.5f);
        FloatVector a = x.abs();
        FloatVector m = half.mul(x);
        FloatVector lo = half.neg().fma(x, m);
        FloatVector u = a.broadcast(2f).div(a.fma(INV_SQRT2, 2f));
        FloatVector w = u.sub(G_CENTER);
        FloatVector w2 = w.mul(w);
        FloatVector a1 = w.fma(G3, G2);
        FloatVector a2 = w.fma(G5, G4);
        FloatVector a3 = w.fma(G7, G6);
        FloatVector a4 = w.fma(G9, G8);
        FloatVector h = w2.fma(w2.broadcast(G10), a4);
        h = h.fma(w2, a3);
        h = h.fma(w2, a2);
        h = h.fma(w2, a1);
        FloatVector g = h.fma(w, w.broadcast(G1)).fma(w, w.broadcast(G0));
        FloatVector lo2 = lo.add(g);
        FloatVector tt = lo2.sub(m).fma(LOG2E, ROUND_MAGIC);
        FloatVector kf = tt.sub(ROUND_MAGIC);
        FloatVector r = lo2.sub(kf.fma(kf.broadcast(LN2_HI), m));
        r = kf.fma(kf.broadcast(-LN2_LO), r);
        FloatVector r2 = r.mul(r);
        FloatVector q = r.fma(E5, E4).fma(r2, r.fma(E3, E2)).fma(r2, r.fma(E1, E0));
        FloatVector eu = u.fma(r2.fma(q, r), u);
        IntVector scale = tt.reinterpretAsInts().add(EXP64_BITS).lanewise(VectorOperators.LSHL, 23);
        FloatVector e = eu.reinterpretAsInts().add(scale).reinterpretAsFloats().mul(0x1p-64f);
        e = e.blend(0f, a.compare(VectorOperators.GE, GELU_ERFC_ZERO));
        return half.mul(e.blend(e.broadcast(2f).sub(e), x.compare(VectorOperators.GE, 0f)));
    }

    /** GELU-tanh lane-wise; see {@link ScalarMath#geluTanh}. */
    public static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(x).fma(x.broadcast(GELU_TANH_KAPPA), x);
        return x.mul(sigmoid(inner.mul(2f * GELU_TANH_BETA)));
    }

    /** QuickGELU lane-wise: x·sigmoid(1.702x). */
    public static FloatVector quickGelu(FloatVector x) {
        return x.mul(sigmoid(x.mul(QUICK_GELU_ALPHA)));
    }

    /** SiLU lane-wise: x·sigmoid(x). */
    public static FloatVector silu(FloatVector x) {
        return x.mul(sigmoid(x));
    }
}
