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
        FloatVector ab = x.abs();
        FloatVector a = ab.reinterpretAsInts().min(GELU_CLAMP_BITS).reinterpretAsFloats();
        FloatVector ha = a.mul(0.5f);
        FloatVector m = ha.mul(a);
        FloatVector lo = ha.neg().fma(a, m);
        FloatVector tt = m.fma(-LOG2E_X16, GELU_ROUND_MAGIC);
        FloatVector kf = tt.sub(GELU_ROUND_MAGIC);
        FloatVector r = lo.sub(kf.fma(kf.broadcast(LN2_16_HI), m));
        r = kf.fma(kf.broadcast(-LN2_16_LO), r);
        FloatVector r2 = r.mul(r);
        FloatVector p = r2.fma(r.fma(GELU_P1, GELU_P0), r);
        IntVector tb = tt.reinterpretAsInts();
        FloatVector tj = exp2Sixteenths(tb.and(15)).reinterpretAsFloats();
        FloatVector u = a.broadcast(2f).div(a.fma(INV_SQRT2, 2f));
        FloatVector w = u.sub(GELU_CENTER);
        FloatVector w2 = w.mul(w);
        FloatVector a1 = w.fma(GELU_F3, GELU_F2);
        FloatVector a2 = w.fma(GELU_F5, GELU_F4);
        FloatVector a3 = w.fma(GELU_F7, GELU_F6);
        FloatVector a4 = w.fma(GELU_F9, GELU_F8);
        FloatVector h = w2.fma(w2.broadcast(GELU_F10), a4);
        h = h.fma(w2, a3);
        h = h.fma(w2, a2);
        h = h.fma(w2, a1);
        FloatVector g = h.fma(w, w.broadcast(GELU_F1)).fma(w, w.broadcast(GELU_F0));
        FloatVector gt = g.mul(tj);
        FloatVector eu = gt.fma(p, gt);
        IntVector scale = tb.lanewise(VectorOperators.ASHR, 4).lanewise(VectorOperators.LSHL, 23);
        FloatVector ne = eu.reinterpretAsInts().add(scale).reinterpretAsFloats().mul(-0x1p-64f);
        IntVector sign = x.reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
        FloatVector relu = x.mul(sign.broadcast(ONE_BITS).lanewise(VectorOperators.AND_NOT, sign).reinterpretAsFloats());
        return ha.fma(ne, relu);
    }

    /**
     * The GELU exp table entry for each lane's j ∈ [0, 16): one permute of a 16-lane table, a
     * two-table permute for 8 lanes, two of them and a blend for 4 lanes (what the per-width
     * kernels in ActivationKernels* write out inline).
     */
    static IntVector exp2Sixteenths(IntVector j) {
        var is = j.species();
        int[] t = GELU_EXP2_16THS_BITS;
        return switch (j.length()) {
            case 16 -> j.selectFrom(IntVector.fromArray(is, t, 0));
            case 8 -> j.selectFrom(IntVector.fromArray(is, t, 0), IntVector.fromArray(is, t, 8));
            case 4 -> j.selectFrom(IntVector.fromArray(is, t, 0), IntVector.fromArray(is, t, 4))
                    .blend(j.selectFrom(IntVector.fromArray(is, t, 8), IntVector.fromArray(is, t, 12)),
                            j.compare(VectorOperators.GE, 8));
            default -> { // other shapes (not used by the kernels): a gather through the index array
                int[] idx = j.toArray();
                yield IntVector.fromArray(is, t, 0, idx, 0);
            }
        };
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
