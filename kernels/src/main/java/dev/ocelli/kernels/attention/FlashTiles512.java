package dev.ocelli.kernels.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FlashTiles} at the width of the species {@code S} below. FlashTiles512 is the master
 * copy; FlashTiles256 and FlashTiles128 are generated from it (see {@link FlashTiles}), so keep
 * everything width-specific derived from {@code S}.
 */
final class FlashTiles512 extends FlashTiles {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = S.length();
    private static final int BR = 2 * L;

    @Override
    int blockRows() {
        return BR;
    }

    @Override
    int bits() {
        return S.vectorBitSize();
    }

    // Register block for Q·Kᵀ: 8 keys × 2 query vectors = 16 accumulators. Per step over c:
    // 2 loads of qT, 8 broadcasts of k[j, c] (straight from k's rows), 16 FMAs.
    @Override
    void scores(float[] sT, float[] qT, float[] k, int kBase, int kStride, int bc, int d) {
        int j = 0;
        for (; j + 8 <= bc; j += 8) {
            int k0 = kBase + j * kStride;
            int k1 = k0 + kStride, k2 = k1 + kStride, k3 = k2 + kStride;
            int k4 = k3 + kStride, k5 = k4 + kStride, k6 = k5 + kStride, k7 = k6 + kStride;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
            for (int c = 0; c < d; c++) {
                FloatVector q0 = FloatVector.fromArray(S, qT, c * BR);
                FloatVector q1 = FloatVector.fromArray(S, qT, c * BR + L);
                FloatVector x;
                x = FloatVector.broadcast(S, k[k0 + c]); a0 = q0.fma(x, a0); b0 = q1.fma(x, b0);
                x = FloatVector.broadcast(S, k[k1 + c]); a1 = q0.fma(x, a1); b1 = q1.fma(x, b1);
                x = FloatVector.broadcast(S, k[k2 + c]); a2 = q0.fma(x, a2); b2 = q1.fma(x, b2);
                x = FloatVector.broadcast(S, k[k3 + c]); a3 = q0.fma(x, a3); b3 = q1.fma(x, b3);
                x = FloatVector.broadcast(S, k[k4 + c]); a4 = q0.fma(x, a4); b4 = q1.fma(x, b4);
                x = FloatVector.broadcast(S, k[k5 + c]); a5 = q0.fma(x, a5); b5 = q1.fma(x, b5);
                x = FloatVector.broadcast(S, k[k6 + c]); a6 = q0.fma(x, a6); b6 = q1.fma(x, b6);
                x = FloatVector.broadcast(S, k[k7 + c]); a7 = q0.fma(x, a7); b7 = q1.fma(x, b7);
            }
            int s = j * BR;
            a0.intoArray(sT, s); b0.intoArray(sT, s + L); s += BR;
            a1.intoArray(sT, s); b1.intoArray(sT, s + L); s += BR;
            a2.intoArray(sT, s); b2.intoArray(sT, s + L); s += BR;
            a3.intoArray(sT, s); b3.intoArray(sT, s + L); s += BR;
            a4.intoArray(sT, s); b4.intoArray(sT, s + L); s += BR;
            a5.intoArray(sT, s); b5.intoArray(sT, s + L); s += BR;
            a6.intoArray(sT, s); b6.intoArray(sT, s + L); s += BR;
            a7.intoArray(sT, s); b7.intoArray(sT, s + L);
        }
        // key tail: one key at a time
        for (; j < bc; j++) {
            int k0 = kBase + j * kStride;
            FloatVector a0 = FloatVector.zero(S), b0 = a0;
            for (int c = 0; c < d; c++) {
                FloatVector x = FloatVector.broadcast(S, k[k0 + c]);
                a0 = FloatVector.fromArray(S, qT, c * BR).fma(x, a0);
                b0 = FloatVector.fromArray(S, qT, c * BR + L).fma(x, b0);
            }
            a0.intoArray(sT, j * BR);
            b0.intoArray(sT, j * BR + L);
        }
    }

    @Override
    void softmax(float[] sT, int bc, float[] m, float[] l, float[] alpha) {
        for (int r = 0; r < BR; r += L) {
            FloatVector mOld = FloatVector.fromArray(S, m, r);
            FloatVector tileMax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < bc; j++) {
                // compare + blend: cheaper than max()'s NaN/-0 handling; a NaN score is skipped
                // here but still turns its p, l and output row into NaN below
                FloatVector x = FloatVector.fromArray(S, sT, j * BR + r);
                tileMax = tileMax.blend(x, x.compare(VectorOperators.GT, tileMax));
            }
            FloatVector mNew = mOld.max(tileMax);
            // A row that has seen only -inf so far keeps m = -inf; subtract 0 instead so that
            // 2^(-inf - (-inf)) = NaN never appears, its p stay 0, and l = 0 makes it NaN at the end.
            FloatVector mUse = mNew.blend(0f, mNew.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY));
            // a = exp2(mOld.sub(mUse)), written out: see the note at exp2
            FloatVector ax = mOld.sub(mUse);
            ax = ax.blend(-127f, ax.compare(VectorOperators.LT, -127f));
            FloatVector at = ax.add(MAGIC);
            FloatVector af = ax.sub(at.sub(MAGIC));
            FloatVector ap = af.fma(C6, C5);
            ap = ap.fma(af, FloatVector.broadcast(S, C4));
            ap = ap.fma(af, FloatVector.broadcast(S, C3));
            ap = ap.fma(af, FloatVector.broadcast(S, C2));
            ap = ap.fma(af, FloatVector.broadcast(S, C1));
            ap = ap.fma(af, FloatVector.broadcast(S, 1f));
            FloatVector a = ap.mul(at.reinterpretAsInts().sub(MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector sum = FloatVector.zero(S);
            for (int j = 0; j < bc; j++) {
                // p = exp2(FloatVector.fromArray(S, sT, j * BR + r).sub(mUse)), written out: see the note at exp2
                FloatVector ex = FloatVector.fromArray(S, sT, j * BR + r).sub(mUse);
                ex = ex.blend(-127f, ex.compare(VectorOperators.LT, -127f));
                FloatVector et = ex.add(MAGIC);
                FloatVector ef = ex.sub(et.sub(MAGIC));
                FloatVector ep = ef.fma(C6, C5);
                ep = ep.fma(ef, FloatVector.broadcast(S, C4));
                ep = ep.fma(ef, FloatVector.broadcast(S, C3));
                ep = ep.fma(ef, FloatVector.broadcast(S, C2));
                ep = ep.fma(ef, FloatVector.broadcast(S, C1));
                ep = ep.fma(ef, FloatVector.broadcast(S, 1f));
                FloatVector p = ep.mul(et.reinterpretAsInts().sub(MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                p.intoArray(sT, j * BR + r);
                sum = sum.add(p);
            }
            FloatVector.fromArray(S, l, r).fma(a, sum).intoArray(l, r);
            mNew.intoArray(m, r);
            a.intoArray(alpha, r);
        }
    }

    // Register block for P·V: 8 output columns c × 2 query vectors = 16 accumulators loaded from
    // oT once per tile. Per key j: 2 loads of P, 8 broadcasts of v[j, c..c+7], 16 FMAs.
    @Override
    void accumulate(float[] oT, float[] sT, float[] v, int vBase, int vStride, int bc, int d, float[] alpha) {
        FloatVector al0 = FloatVector.fromArray(S, alpha, 0);
        FloatVector al1 = FloatVector.fromArray(S, alpha, L);
        int c = 0;
        for (; c + 8 <= d; c += 8) {
            int o = c * BR;
            FloatVector a0 = FloatVector.fromArray(S, oT, o).mul(al0), b0 = FloatVector.fromArray(S, oT, o + L).mul(al1);
            FloatVector a1 = FloatVector.fromArray(S, oT, o + BR).mul(al0), b1 = FloatVector.fromArray(S, oT, o + BR + L).mul(al1);
            FloatVector a2 = FloatVector.fromArray(S, oT, o + 2 * BR).mul(al0), b2 = FloatVector.fromArray(S, oT, o + 2 * BR + L).mul(al1);
            FloatVector a3 = FloatVector.fromArray(S, oT, o + 3 * BR).mul(al0), b3 = FloatVector.fromArray(S, oT, o + 3 * BR + L).mul(al1);
            FloatVector a4 = FloatVector.fromArray(S, oT, o + 4 * BR).mul(al0), b4 = FloatVector.fromArray(S, oT, o + 4 * BR + L).mul(al1);
            FloatVector a5 = FloatVector.fromArray(S, oT, o + 5 * BR).mul(al0), b5 = FloatVector.fromArray(S, oT, o + 5 * BR + L).mul(al1);
            FloatVector a6 = FloatVector.fromArray(S, oT, o + 6 * BR).mul(al0), b6 = FloatVector.fromArray(S, oT, o + 6 * BR + L).mul(al1);
            FloatVector a7 = FloatVector.fromArray(S, oT, o + 7 * BR).mul(al0), b7 = FloatVector.fromArray(S, oT, o + 7 * BR + L).mul(al1);
            for (int j = 0; j < bc; j++) {
                FloatVector p0 = FloatVector.fromArray(S, sT, j * BR);
                FloatVector p1 = FloatVector.fromArray(S, sT, j * BR + L);
                int vj = vBase + j * vStride + c;
                FloatVector x;
                x = FloatVector.broadcast(S, v[vj]); a0 = p0.fma(x, a0); b0 = p1.fma(x, b0);
                x = FloatVector.broadcast(S, v[vj + 1]); a1 = p0.fma(x, a1); b1 = p1.fma(x, b1);
                x = FloatVector.broadcast(S, v[vj + 2]); a2 = p0.fma(x, a2); b2 = p1.fma(x, b2);
                x = FloatVector.broadcast(S, v[vj + 3]); a3 = p0.fma(x, a3); b3 = p1.fma(x, b3);
                x = FloatVector.broadcast(S, v[vj + 4]); a4 = p0.fma(x, a4); b4 = p1.fma(x, b4);
                x = FloatVector.broadcast(S, v[vj + 5]); a5 = p0.fma(x, a5); b5 = p1.fma(x, b5);
                x = FloatVector.broadcast(S, v[vj + 6]); a6 = p0.fma(x, a6); b6 = p1.fma(x, b6);
                x = FloatVector.broadcast(S, v[vj + 7]); a7 = p0.fma(x, a7); b7 = p1.fma(x, b7);
            }
            a0.intoArray(oT, o); b0.intoArray(oT, o + L);
            a1.intoArray(oT, o + BR); b1.intoArray(oT, o + BR + L);
            a2.intoArray(oT, o + 2 * BR); b2.intoArray(oT, o + 2 * BR + L);
            a3.intoArray(oT, o + 3 * BR); b3.intoArray(oT, o + 3 * BR + L);
            a4.intoArray(oT, o + 4 * BR); b4.intoArray(oT, o + 4 * BR + L);
            a5.intoArray(oT, o + 5 * BR); b5.intoArray(oT, o + 5 * BR + L);
            a6.intoArray(oT, o + 6 * BR); b6.intoArray(oT, o + 6 * BR + L);
            a7.intoArray(oT, o + 7 * BR); b7.intoArray(oT, o + 7 * BR + L);
        }
        // head-dim tail (d not a multiple of 8): one column at a time
        for (; c < d; c++) {
            int o = c * BR;
            FloatVector a0 = FloatVector.fromArray(S, oT, o).mul(al0), b0 = FloatVector.fromArray(S, oT, o + L).mul(al1);
            for (int j = 0; j < bc; j++) {
                FloatVector x = FloatVector.broadcast(S, v[vBase + j * vStride + c]);
                a0 = FloatVector.fromArray(S, sT, j * BR).fma(x, a0);
                b0 = FloatVector.fromArray(S, sT, j * BR + L).fma(x, b0);
            }
            a0.intoArray(oT, o);
            b0.intoArray(oT, o + L);
        }
    }

    @Override
    int lanes() {
        return L;
    }

    // 4 keys share each load of q; d tail (d not a multiple of L) in scalar.
    @Override
    void rowScores(float[] s, float[] qRow, float[] k, int kBase, int kStride, int bc, int d, float[] red) {
        int dv = d - d % L;
        int j = 0;
        for (; j + 4 <= bc; j += 4) {
            int k0 = kBase + j * kStride, k1 = k0 + kStride, k2 = k1 + kStride, k3 = k2 + kStride;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0; c < dv; c += L) {
                FloatVector x = FloatVector.fromArray(S, qRow, c);
                a0 = x.fma(FloatVector.fromArray(S, k, k0 + c), a0);
                a1 = x.fma(FloatVector.fromArray(S, k, k1 + c), a1);
                a2 = x.fma(FloatVector.fromArray(S, k, k2 + c), a2);
                a3 = x.fma(FloatVector.fromArray(S, k, k3 + c), a3);
            }
            a0.intoArray(red, 0);
            a1.intoArray(red, L);
            a2.intoArray(red, 2 * L);
            a3.intoArray(red, 3 * L);
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int x = 0; x < L; x++) {
                s0 += red[x];
                s1 += red[L + x];
                s2 += red[2 * L + x];
                s3 += red[3 * L + x];
            }
            for (int c = dv; c < d; c++) {
                s0 += qRow[c] * k[k0 + c];
                s1 += qRow[c] * k[k1 + c];
                s2 += qRow[c] * k[k2 + c];
                s3 += qRow[c] * k[k3 + c];
            }
            s[j] = s0;
            s[j + 1] = s1;
            s[j + 2] = s2;
            s[j + 3] = s3;
        }
        for (; j < bc; j++) {
            int k0 = kBase + j * kStride;
            FloatVector a0 = FloatVector.zero(S);
            for (int c = 0; c < dv; c += L) {
                a0 = FloatVector.fromArray(S, qRow, c).fma(FloatVector.fromArray(S, k, k0 + c), a0);
            }
            a0.intoArray(red, 0);
            float s0 = 0f;
            for (int x = 0; x < L; x++) {
                s0 += red[x];
            }
            for (int c = dv; c < d; c++) {
                s0 += qRow[c] * k[k0 + c];
            }
            s[j] = s0;
        }
    }

    @Override
    float rowMax(float[] s, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += L) {
            FloatVector x = FloatVector.fromArray(S, s, j);
            m = m.blend(x, x.compare(VectorOperators.GT, m));
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    @Override
    float rowExp2(float[] s, int n, float m, float[] red) {
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            // p = exp2(FloatVector.fromArray(S, s, j).sub(m)), written out: see the note at exp2
            FloatVector ex = FloatVector.fromArray(S, s, j).sub(m);
            ex = ex.blend(-127f, ex.compare(VectorOperators.LT, -127f));
            FloatVector et = ex.add(MAGIC);
            FloatVector ef = ex.sub(et.sub(MAGIC));
            FloatVector ep = ef.fma(C6, C5);
            ep = ep.fma(ef, FloatVector.broadcast(S, C4));
            ep = ep.fma(ef, FloatVector.broadcast(S, C3));
            ep = ep.fma(ef, FloatVector.broadcast(S, C2));
            ep = ep.fma(ef, FloatVector.broadcast(S, C1));
            ep = ep.fma(ef, FloatVector.broadcast(S, 1f));
            FloatVector p = ep.mul(et.reinterpretAsInts().sub(MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            p.intoArray(s, j);
            sum = sum.add(p);
        }
        sum.intoArray(red, 0);
        float total = 0f;
        for (int x = 0; x < L; x++) {
            total += red[x];
        }
        return total;
    }

    // 4 output vectors (4·L columns) per pass over the keys; d tail in scalar.
    @Override
    void rowAccumulate(float[] o, float alpha, float[] s, float[] v, int vBase, int vStride, int bc, int d) {
        int c = 0;
        for (; c + 4 * L <= d; c += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, o, c).mul(alpha);
            FloatVector a1 = FloatVector.fromArray(S, o, c + L).mul(alpha);
            FloatVector a2 = FloatVector.fromArray(S, o, c + 2 * L).mul(alpha);
            FloatVector a3 = FloatVector.fromArray(S, o, c + 3 * L).mul(alpha);
            for (int j = 0; j < bc; j++) {
                FloatVector p = FloatVector.broadcast(S, s[j]);
                int vj = vBase + j * vStride + c;
                a0 = FloatVector.fromArray(S, v, vj).fma(p, a0);
                a1 = FloatVector.fromArray(S, v, vj + L).fma(p, a1);
                a2 = FloatVector.fromArray(S, v, vj + 2 * L).fma(p, a2);
                a3 = FloatVector.fromArray(S, v, vj + 3 * L).fma(p, a3);
            }
            a0.intoArray(o, c);
            a1.intoArray(o, c + L);
            a2.intoArray(o, c + 2 * L);
            a3.intoArray(o, c + 3 * L);
        }
        for (; c + L <= d; c += L) {
            FloatVector a0 = FloatVector.fromArray(S, o, c).mul(alpha);
            for (int j = 0; j < bc; j++) {
                a0 = FloatVector.fromArray(S, v, vBase + j * vStride + c).fma(FloatVector.broadcast(S, s[j]), a0);
            }
            a0.intoArray(o, c);
        }
        for (; c < d; c++) {
            float a = o[c] * alpha;
            for (int j = 0; j < bc; j++) {
                a += s[j] * v[vBase + j * vStride + c];
            }
            o[c] = a;
        }
    }

    // 2^x for x <= 0 (and NaN), written here instead of FloatVector.lanewise(EXP), which calls
    // SVML or a scalar loop. x = k + f with k = round(x), |f| <= 1/2; 2^f by a degree-6
    // polynomial fitted for relative error on [-1/2, 1/2] (2e-9, so the result is within ~1-2 ulp
    // after float rounding); 2^k built in the exponent bits. x < -126.5 (and -inf) flushes to +0:
    // the clamp at -127 gives k = -127 and an exponent field of 0. The clamp is a compare and a
    // blend, not max(), whose Java NaN/-0 semantics cost several instructions; NaN passes through
    // (f is NaN) and comes out NaN.
    private static final float MAGIC = 12582912f; // 1.5·2^23: adding it rounds to an integer
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float C1 = 0.6931471824645996f;
    private static final float C2 = 0.24022647738456726f;
    private static final float C3 = 0.05550331622362137f;
    private static final float C4 = 0.00961843691766262f;
    private static final float C5 = 0.0013399193994700909f;
    private static final float C6 = 0.00015354176866821945f;

    // exp2 is the definition, and what the tests call; the loops above write it out instead of
    // calling it. A FloatVector passed to or returned from a call that C2 leaves out of line is
    // boxed: in some JVMs softmax was compiled with exp2 as a real call and allocated ~2 MB per
    // attention call on small problems (4 heads × 196 tokens), 1.7× slower (docs/kernels/attention.md).
    static FloatVector exp2(FloatVector x) {
        x = x.blend(-127f, x.compare(VectorOperators.LT, -127f));
        FloatVector t = x.add(MAGIC);
        IntVector k = t.reinterpretAsInts();
        FloatVector f = x.sub(t.sub(MAGIC));
        FloatVector p = f.fma(C6, C5);
        p = p.fma(f, FloatVector.broadcast(S, C4));
        p = p.fma(f, FloatVector.broadcast(S, C3));
        p = p.fma(f, FloatVector.broadcast(S, C2));
        p = p.fma(f, FloatVector.broadcast(S, C1));
        p = p.fma(f, FloatVector.broadcast(S, 1f));
        FloatVector twoK = k.sub(MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(twoK);
    }
}
