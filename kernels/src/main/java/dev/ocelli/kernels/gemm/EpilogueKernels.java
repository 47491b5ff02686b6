package dev.ocelli.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector twin of {@link Epilogue#apply}: bias, activation, residual over a C tile that the
 * microkernel has just written (so it is in L1). Lane-wise formulas match {@link Activation}:
 * GELU-erf through the same erfc fit evaluated in float.
 *
 * <p>No {@code FloatVector} crosses a method boundary here: each activation has its own row loop
 * with the whole formula, exp included, written inline. Helpers taking and returning vectors
 * (an {@code activate(act, v)} and an {@code exp(v)}, as this class first had) are inlined by C2
 * only when their call site is hot in the profile at compile time. In a CLIP ViT-L run,
 * {@code -XX:+PrintInlining} showed {@code activate} left out of line ({@code callee is too
 * large}) in some compiles, and a vector passed to or returned from an out-of-line call is boxed
 * (the same hazard as in {@link Microkernel#compute}). The exp is therefore repeated in three loops.
 *
 * <p>exp is our own (add, mul, FMA only: e^x with relative error about 2 ulp, x = n·ln2 + r with
 * |r| ≤ ln2/2, e^r by its degree-7 Taylor polynomial, 2^n through the exponent bits, x clamped
 * to [-87, 88]), not {@code VectorOperators.EXP}: the
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
        switch (ep.activation()) {
            case NONE -> applyNone(ep, c, cIdx, ldc, i0, j0, rows, cols, resShift);
            case GELU_ERF -> applyGeluErf(ep, c, cIdx, ldc, i0, j0, rows, cols, resShift);
            case GELU_TANH -> applyGeluTanh(ep, c, cIdx, ldc, i0, j0, rows, cols, resShift);
            case QUICK_GELU -> applyQuickGelu(ep, c, cIdx, ldc, i0, j0, rows, cols, resShift);
        }
    }

    /** Bias and residual only. */
    private static void applyNone(Epilogue ep, float[] c, int cIdx, int ldc, int i0, int j0, int rows, int cols,
                               long resShift) {
        float[] bias = ep.bias();
        float[] res = ep.residual();
        int upper = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = cIdx + r * ldc;
            int resRow = res == null ? 0 : (int) (ep.residualOffset() + resShift + (long) (i0 + r) * ep.residualLd() + j0);
            int j = 0;
            for (; j < upper; j += S.length()) {
                FloatVector x = FloatVector.fromArray(S, c, row + j);
                if (bias != null) {
                    x = x.add(FloatVector.fromArray(S, bias, ep.biasOffset() + j0 + j));
                }
                FloatVector v = x;
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resRow + j));
                }
                v.intoArray(c, row + j);
            }
            for (; j < cols; j++) { // scalar tail: the definition itself
                c[row + j] = ep.apply(c[row + j], i0 + r, j0 + j, resShift);
            }
        }
    }

    /** x·σ(1.702x) = x / (1 + e^{−1.702x}). */
    private static void applyQuickGelu(Epilogue ep, float[] c, int cIdx, int ldc, int i0, int j0, int rows, int cols,
                               long resShift) {
        float[] bias = ep.bias();
        float[] res = ep.residual();
        int upper = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = cIdx + r * ldc;
            int resRow = res == null ? 0 : (int) (ep.residualOffset() + resShift + (long) (i0 + r) * ep.residualLd() + j0);
            int j = 0;
            for (; j < upper; j += S.length()) {
                FloatVector x = FloatVector.fromArray(S, c, row + j);
                if (bias != null) {
                    x = x.add(FloatVector.fromArray(S, bias, ep.biasOffset() + j0 + j));
                }
                // e^x.mul(-1.702f), inline (see the class comment): clamp, n = round(x·log2 e), r = x − n·ln 2,
                // degree-7 Taylor polynomial, 2^n through the exponent bits
                FloatVector ex = (x.mul(-1.702f)).max(-87f).min(88f);
                FloatVector et = ex.mul(LOG2E).add(ROUND_MAGIC);
                FloatVector en = et.sub(ROUND_MAGIC);
                FloatVector er = en.mul(-LN2_HI).add(ex);
                er = en.mul(-LN2_LO).add(er);
                FloatVector ep7 = er.mul(1f / 5040).add(1f / 720);
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 120));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 24));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 6));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 0.5f));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f));
                IntVector ebits = et.reinterpretAsInts().sub(ROUND_MAGIC_BITS).add(127).lanewise(VectorOperators.LSHL, 23);
                FloatVector e = ep7.mul(ebits.reinterpretAsFloats());
                FloatVector v = x.div(e.add(1f));
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resRow + j));
                }
                v.intoArray(c, row + j);
            }
            for (; j < cols; j++) { // scalar tail: the definition itself
                c[row + j] = ep.apply(c[row + j], i0 + r, j0 + j, resShift);
            }
        }
    }

    /** GELU, tanh form. */
    private static void applyGeluTanh(Epilogue ep, float[] c, int cIdx, int ldc, int i0, int j0, int rows, int cols,
                               long resShift) {
        float[] bias = ep.bias();
        float[] res = ep.residual();
        int upper = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = cIdx + r * ldc;
            int resRow = res == null ? 0 : (int) (ep.residualOffset() + resShift + (long) (i0 + r) * ep.residualLd() + j0);
            int j = 0;
            for (; j < upper; j += S.length()) {
                FloatVector x = FloatVector.fromArray(S, c, row + j);
                if (bias != null) {
                    x = x.add(FloatVector.fromArray(S, bias, ep.biasOffset() + j0 + j));
                }
                FloatVector inner = x.mul(x).mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI);
                // 0.5·x·(1 + tanh(u)) = x · e^{2u} / (e^{2u} + 1) = x / (1 + e^{-2u})
                // e^inner.mul(-2f), inline (see the class comment): clamp, n = round(x·log2 e), r = x − n·ln 2,
                // degree-7 Taylor polynomial, 2^n through the exponent bits
                FloatVector ex = (inner.mul(-2f)).max(-87f).min(88f);
                FloatVector et = ex.mul(LOG2E).add(ROUND_MAGIC);
                FloatVector en = et.sub(ROUND_MAGIC);
                FloatVector er = en.mul(-LN2_HI).add(ex);
                er = en.mul(-LN2_LO).add(er);
                FloatVector ep7 = er.mul(1f / 5040).add(1f / 720);
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 120));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 24));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 6));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 0.5f));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f));
                IntVector ebits = et.reinterpretAsInts().sub(ROUND_MAGIC_BITS).add(127).lanewise(VectorOperators.LSHL, 23);
                FloatVector e = ep7.mul(ebits.reinterpretAsFloats());
                FloatVector v = x.div(e.add(1f));
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resRow + j));
                }
                v.intoArray(c, row + j);
            }
            for (; j < cols; j++) { // scalar tail: the definition itself
                c[row + j] = ep.apply(c[row + j], i0 + r, j0 + j, resShift);
            }
        }
    }

    /** GELU, exact erf form through the erfc fit. */
    private static void applyGeluErf(Epilogue ep, float[] c, int cIdx, int ldc, int i0, int j0, int rows, int cols,
                               long resShift) {
        float[] bias = ep.bias();
        float[] res = ep.residual();
        int upper = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = cIdx + r * ldc;
            int resRow = res == null ? 0 : (int) (ep.residualOffset() + resShift + (long) (i0 + r) * ep.residualLd() + j0);
            int j = 0;
            for (; j < upper; j += S.length()) {
                FloatVector x = FloatVector.fromArray(S, c, row + j);
                if (bias != null) {
                    x = x.add(FloatVector.fromArray(S, bias, ep.biasOffset() + j0 + j));
                }
                // x ≥ 0: x·(1 − erfc(x/√2)/2); x < 0: x·erfc(|x|/√2)/2, so the negative tail keeps its precision
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
                // e^poly.sub(z.mul(z)), inline (see the class comment): clamp, n = round(x·log2 e), r = x − n·ln 2,
                // degree-7 Taylor polynomial, 2^n through the exponent bits
                FloatVector ex = (poly.sub(z.mul(z))).max(-87f).min(88f);
                FloatVector et = ex.mul(LOG2E).add(ROUND_MAGIC);
                FloatVector en = et.sub(ROUND_MAGIC);
                FloatVector er = en.mul(-LN2_HI).add(ex);
                er = en.mul(-LN2_LO).add(er);
                FloatVector ep7 = er.mul(1f / 5040).add(1f / 720);
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 120));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 24));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f / 6));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 0.5f));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f));
                ep7 = ep7.fma(er, FloatVector.broadcast(S, 1f));
                IntVector ebits = et.reinterpretAsInts().sub(ROUND_MAGIC_BITS).add(127).lanewise(VectorOperators.LSHL, 23);
                FloatVector e = ep7.mul(ebits.reinterpretAsFloats());
                FloatVector erfc = t.mul(e);
                FloatVector halfXErfc = x.mul(erfc).mul(0.5f);
                FloatVector v = x.sub(halfXErfc).blend(halfXErfc, x.lt(0f));
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resRow + j));
                }
                v.intoArray(c, row + j);
            }
            for (; j < cols; j++) { // scalar tail: the definition itself
                c[row + j] = ep.apply(c[row + j], i0 + r, j0 + j, resShift);
            }
        }
    }

    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;       // ln 2 split so n·LN2_HI is exact
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;      // 1.5·2^23: adding it rounds to an integer
    private static final int ROUND_MAGIC_BITS = 0x4B400000;
}
