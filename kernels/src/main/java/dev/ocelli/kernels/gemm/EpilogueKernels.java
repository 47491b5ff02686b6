package dev.ocelli.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector twin of {@link Epilogue#apply}: bias, activation, residual over a C tile that the
 * microkernel has just written (so it is in L1). Lane-wise formulas match {@link Activation}:
 * GELU-erf through the same erfc fit evaluated in float.
 *
 * <p>exp is our own ({@link #exp}: add, mul, FMA only), not {@code VectorOperators.EXP}: the
 * latter is SVML in C2-compiled code but {@code Math.exp} per lane in the interpreter and C1, and
 * the two differ in the last bit, so a tile computed before and after JIT compilation (or on
 * two threads at different tiers) would not be bitwise reproducible. Basic IEEE operations are.
 */
final class EpilogueKernels {
    private EpilogueKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    /** Applies {@code ep} to C rows [i0, i0+rows) × cols [j0, j0+cols); {@code cIdx} is element (i0, j0). */
    static void apply(Epilogue ep, float[] c, int cIdx, int ldc, int i0, int j0, int rows, int cols, long resShift) {
        float[] bias = ep.bias();
        float[] res = ep.residual();
        Activation act = ep.activation();
        int upper = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = cIdx + r * ldc;
            int resRow = res == null ? 0 : (int) (ep.residualOffset() + resShift + (long) (i0 + r) * ep.residualLd() + j0);
            int j = 0;
            for (; j < upper; j += S.length()) {
                FloatVector v = FloatVector.fromArray(S, c, row + j);
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(S, bias, ep.biasOffset() + j0 + j));
                }
                v = activate(act, v);
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resRow + j));
                }
                v.intoArray(c, row + j);
            }
            // scalar tail
            for (; j < cols; j++) {
                c[row + j] = ep.apply(c[row + j], i0 + r, j0 + j, resShift);
            }
        }
    }

    static FloatVector activate(Activation act, FloatVector x) {
        return switch (act) {
            case NONE -> x;
            case GELU_ERF -> geluErf(x);
            case GELU_TANH -> {
                FloatVector inner = x.mul(x).mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI);
                // 0.5·x·(1 + tanh(u)) = x · e^{2u} / (e^{2u} + 1) = x / (1 + e^{-2u})
                yield x.div(exp(inner.mul(-2f)).add(1f));
            }
            case QUICK_GELU -> x.div(exp(x.mul(-1.702f)).add(1f));
        };
    }

    /** x ≥ 0: x·(1 − erfc(x/√2)/2); x < 0: x·erfc(|x|/√2)/2, so the negative tail keeps its precision. */
    private static FloatVector geluErf(FloatVector x) {
        FloatVector z = x.abs().mul(INV_SQRT2);
        FloatVector t = z.mul(0.5f).add(1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector poly = t.mul(0.17087277f).add(-0.82215223f);
        poly = poly.fma(t, FloatVector.broadcast(S, 1.48851587f));
        poly = poly.fma(t, FloatVector.broadcast(S, -1.13520398f));
        poly = poly.fma(t, FloatVector.broadcast(S, 0.27886807f));
        poly = poly.fma(t, FloatVector.broadcast(S, -0.18628806f));
        poly = poly.fma(t, FloatVector.broadcast(S, 0.09678418f));
        poly = poly.fma(t, FloatVector.broadcast(S, 0.37409196f));
        poly = poly.fma(t, FloatVector.broadcast(S, 1.00002368f));
        poly = poly.fma(t, FloatVector.broadcast(S, -1.26551223f));
        FloatVector erfc = t.mul(exp(poly.sub(z.mul(z))));
        FloatVector halfXErfc = x.mul(erfc).mul(0.5f);
        VectorMask<Float> neg = x.lt(0f);
        return x.sub(halfXErfc).blend(halfXErfc, neg);
    }

    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;       // ln 2 split so n·LN2_HI is exact
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;      // 1.5·2^23: adding it rounds to an integer
    private static final int ROUND_MAGIC_BITS = 0x4B400000;

    /**
     * e^x lane-wise, relative error about 2 ulp: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its
     * degree-7 Taylor polynomial, 2^n through the exponent bits. x is clamped to [-87, 88] (so
     * e^x stays a normal float; callers only need e^x ≈ 0 or ∞ to behave like 0 or ∞ there).
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        FloatVector t = x.mul(LOG2E).add(ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector r = n.mul(-LN2_HI).add(x);
        r = n.mul(-LN2_LO).add(r);
        FloatVector p = r.mul(1f / 5040).add(1f / 720);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector bits = (t.reinterpretAsInts()).sub(ROUND_MAGIC_BITS).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }
}
