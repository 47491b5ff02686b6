package dev.ocelli.kernels.act;

/**
 * Float {@code exp}, {@code erf}, {@code tanh}, {@code sigmoid} and the GELU family, written out
 * operation by operation so that {@link VectorMath} computes bit-for-bit the same thing lane by
 * lane (same constants, same FMAs, same order). This is the scalar twin, not a wrapper around
 * {@link Math#exp}: the twin must follow the vector algorithm so the two can be compared exactly.
 *
 * <p>Algorithms (coefficients fitted by {@code docs/kernels/fit_elementwise_coeffs.py}):
 * <ul>
 *   <li>exp(x): clamp x to [-104, 89] (outside it the float result is 0 or +Inf anyway),
 *       k = round(x·log2 e) via the 1.5·2^23 trick, r = x − k·ln2 with ln2 split hi/lo
 *       (Cody–Waite, hi has 12 significant bits so k·hi is exact), exp(r) = 1 + r + r²·P5(r) on
 *       |r| ≤ ln2/2, then ·2^(k>>1)·2^(k−(k>>1)): two normal scale factors cover
 *       k ∈ [−150, 128], so denormal results are rounded once and overflow gives +Inf.</li>
 *   <li>erf(x): |x| &lt; 1: x + x·P7(x²) (the leading 1 stays exact). |x| ≥ 1:
 *       1 − erfc(|x|) with erfc(z) = u·exp(−z² + G10(u − 0.58)), u = 2/(2+z) (fitted on
 *       z ∈ [0, 10.5]), where z² is carried as an exact hi+lo pair (FMA) into the exp reduction,
 *       so erfc keeps its relative accuracy down to the denormal range. z ≥ 10.5: erfc = 0.</li>
 *   <li>tanh(x): |x| &lt; 0.625: x + x³·P6(x²); otherwise sign(x)·(1 − 2/(exp(2|x|)+1)).</li>
 *   <li>sigmoid(x): e = exp(−|x|); 1/(1+e) for x ≥ 0, e/(1+e) for x &lt; 0 (never overflows).</li>
 *   <li>GELU(x) = x/2·(1+erf(x/√2)), t = x/√2: x/2·(2 − erfc(t)) for t ≥ 0, x/2·erfc(−t) for
 *       t &lt; 0, with −t² = −x²/2 taken exactly from x, so the negative tail is accurate relative
 *       to its (tiny) value, not just absolutely. erfc alone serves the whole range, so the
 *       vector twin evaluates one approximation per lane instead of two and a blend.</li>
 *   <li>GELU-tanh(x) = x/2·(1+tanh(u)) = x·sigmoid(2u), u = √(2/π)·(x + 0.044715x³): the sigmoid
 *       form avoids the cancellation 1 + tanh(u) for negative u.</li>
 * </ul>
 * Special values follow PyTorch: NaN in → NaN out; erf(±Inf) = ±1; GELU(−Inf), SiLU(−Inf),
 * QuickGELU(−Inf) are NaN, as PyTorch returns (−Inf·0).
 */
public final class ScalarMath {
    private ScalarMath() {}

    // The constants are public because vector kernels in other packages (softmax) write exp out
    // inline with exactly these values.

    // ---- exp ----
    public static final float EXP_LO = -104f; // exp(-104) < 2^-150: rounds to 0
    public static final float EXP_HI = 89f; // exp(89) > Float.MAX_VALUE
    public static final float LOG2E = 1.44269504f;
    public static final float LN2_HI = 0.693145751953125f; // 12 significant bits: k*LN2_HI exact for |k| < 2^12
    public static final float LN2_LO = 1.42860677e-6f; // ln2 - LN2_HI
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer in the low mantissa bits. */
    public static final float ROUND_MAGIC = 12582912f;
    public static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    /** ROUND_MAGIC_BITS − 127 − 64: subtracted from the bits of x·log2e + ROUND_MAGIC, gives k + 191. */
    static final int SCALE64_BITS = ROUND_MAGIC_BITS - 127 - 64;
    /** 64 − ROUND_MAGIC_BITS: added to the bits of x·log2e + ROUND_MAGIC, gives k + 64. */
    static final int EXP64_BITS = 64 - ROUND_MAGIC_BITS;
    public static final float E5 = 1.974485494e-04f;
    public static final float E4 = 1.393546700e-03f;
    public static final float E3 = 8.333565667e-03f;
    public static final float E2 = 4.166645929e-02f;
    public static final float E1 = 1.666666567e-01f;
    public static final float E0 = 5.000000000e-01f;

    // ---- erf on |x| < 1: erf(x) = x + x*P(x^2) ----
    public static final float R7 = -2.156915116e-06f;
    public static final float R6 = 8.619014261e-05f;
    public static final float R5 = -8.117152611e-04f;
    public static final float R4 = 5.195774138e-03f;
    public static final float R3 = -2.685649134e-02f;
    public static final float R2 = 1.128363162e-01f;
    public static final float R1 = -3.761262894e-01f;
    public static final float R0 = 1.283791661e-01f;

    // ---- erfc(z) = u*exp(-z^2 + G(u)), u = 2/(2+z), z in [0, 10.5]; G in powers of w = u - G_CENTER ----
    // centred at the middle of u's range [0.16, 1] so the coefficients (and Horner's partial sums)
    // stay below 1.4: in plain powers of u they reach 4 and cancel to G(1) = 0, costing ~3e-7 near z = 0
    public static final float G_CENTER = 0.58f;
    public static final float G10 = -1.378023922e-01f;
    public static final float G9 = 1.502255797e-01f;
    public static final float G8 = 1.359542906e-01f;
    public static final float G7 = -2.490463555e-01f;
    public static final float G6 = -4.668593034e-02f;
    public static final float G5 = 2.962448001e-01f;
    public static final float G4 = -3.962605074e-02f;
    public static final float G3 = -4.069044292e-01f;
    public static final float G2 = 9.476300329e-02f;
    public static final float G1 = 1.368118882e+00f;
    public static final float G0 = -5.631567836e-01f;
    /** erfc(10.5) ≈ 1e-49, far below the smallest denormal. */
    public static final float ERFC_ZERO = 10.5f;
    /** GELU's erfc(|x|/√2) is 0 from |x| = 10.5·√2 on. */
    static final float GELU_ERFC_ZERO = 14.849242f;

    // ---- tanh on |x| < 0.625: x + x^3*P(x^2) ----
    public static final float TANH_SMALL = 0.625f;
    public static final float T5 = 2.153366571e-03f;
    public static final float T4 = -8.190561086e-03f;
    public static final float T3 = 2.170703374e-02f;
    public static final float T2 = -5.394819006e-02f;
    public static final float T1 = 1.333322078e-01f;
    public static final float T0 = -3.333333135e-01f;

    public static final float INV_SQRT2 = 0.70710677f;
    /** √(2/π), PyTorch's kBeta = M_SQRT2 * M_2_SQRTPI * 0.5. */
    public static final float GELU_TANH_BETA = 0.7978845608f;
    public static final float GELU_TANH_KAPPA = 0.044715f;
    public static final float QUICK_GELU_ALPHA = 1.702f;

    /** e^x, max error 1 ulp (see docs/kernels/elementwise.md for the measured figure). */
    public static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(x, LOG2E, ROUND_MAGIC);
        float kf = t - ROUND_MAGIC;
        int k = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        float r = Math.fma(kf, -LN2_HI, x);
        r = Math.fma(kf, -LN2_LO, r);
        float p = expPoly(r);
        return scale2k(p, k);
    }

    /**
     * e^(hi+lo)·factor for |lo| ≤ ~2 where hi+lo is not rounded first; the caller guarantees
     * hi+lo ∈ [−120, 0] (erfc's range), so 2^k is applied as 2^(k+64) (a normal float, the product
     * exact) then 2^−64, which rounds a denormal result once: 4 operations instead of
     * {@link #scale2k}'s 8, same bits.
     */
    static float exp2parts(float hi, float lo, float factor) {
        float s = hi + lo;
        float t = Math.fma(s, LOG2E, ROUND_MAGIC);
        float kf = t - ROUND_MAGIC;
        float r = Math.fma(kf, -LN2_HI, hi); // exact: hi and k*LN2_HI agree in their top bits
        r = r + lo;
        r = Math.fma(kf, -LN2_LO, r);
        float p = expPoly(r) * factor;
        // bits of t − ROUND_MAGIC_BITS are k; + 127 + 64 makes the biased exponent of 2^(k+64)
        float twoK64 = Float.intBitsToFloat((Float.floatToRawIntBits(t) - SCALE64_BITS) << 23);
        return p * twoK64 * 0x1p-64f;
    }

    static float expPoly(float r) {
        float q = Math.fma(E5, r, E4);
        q = Math.fma(q, r, E3);
        q = Math.fma(q, r, E2);
        q = Math.fma(q, r, E1);
        q = Math.fma(q, r, E0);
        float p = Math.fma(r * r, q, r);
        return p + 1f;
    }

    /** p·2^k for k ∈ [−162, 128] via two normal powers of two, so a denormal result is rounded once. */
    static float scale2k(float p, int k) {
        int k1 = k >> 1;
        int k2 = k - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    /** erf(x), max error 1 ulp measured over a dense sweep of the float range. */
    public static float erf(float x) {
        float z = Math.abs(x);
        if (z < 1f) {
            return erfSmall(x);
        }
        float r;
        if (z >= ERFC_ZERO) { // also ±Inf; a NaN goes on through erfcCore and stays NaN
            r = 1f;
        } else {
            float hi = -(z * z);
            float lo = -Math.fma(z, z, -(z * z));
            r = 1f - erfcCore(z, hi, lo);
        }
        return x < 0 ? -r : r;
    }

    /** erfc(z) for z ∈ [0, 10.5] given −z² = hi + lo exactly. */
    static float erfcCore(float z, float hi, float lo) {
        float u = 2f / (2f + z);
        float w = u - G_CENTER;
        float g = Math.fma(G10, w, G9);
        g = Math.fma(g, w, G8);
        g = Math.fma(g, w, G7);
        g = Math.fma(g, w, G6);
        g = Math.fma(g, w, G5);
        g = Math.fma(g, w, G4);
        g = Math.fma(g, w, G3);
        g = Math.fma(g, w, G2);
        g = Math.fma(g, w, G1);
        g = Math.fma(g, w, G0);
        return exp2parts(hi, lo + g, u);
    }

    static float erfSmall(float x) {
        float s = x * x;
        float q = Math.fma(R7, s, R6);
        q = Math.fma(q, s, R5);
        q = Math.fma(q, s, R4);
        q = Math.fma(q, s, R3);
        q = Math.fma(q, s, R2);
        q = Math.fma(q, s, R1);
        q = Math.fma(q, s, R0);
        return Math.fma(x, q, x);
    }

    /** tanh(x), max error 2 ulp. */
    public static float tanh(float x) {
        float z = Math.abs(x);
        if (z < TANH_SMALL) {
            float s = x * x;
            float q = Math.fma(T5, s, T4);
            q = Math.fma(q, s, T3);
            q = Math.fma(q, s, T2);
            q = Math.fma(q, s, T1);
            q = Math.fma(q, s, T0);
            return Math.fma(x * s, q, x);
        }
        float e = exp(z + z);
        float r = 1f - 2f / (e + 1f);
        return x < 0 ? -r : r;
    }

    /** 1/(1+e^−x), never overflowing: for x &lt; 0 it is e^x/(1+e^x). */
    public static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float d = 1f + e;
        return (x >= 0 ? 1f : e) / d;
    }

    /**
     * x·Φ(x) with the exact erf form, as torch.nn.functional.gelu(approximate='none'), through
     * erfc only: Φ(x) = erfc(|t|)/2 for t = x/√2 &lt; 0 and 1 − erfc(t)/2 for t ≥ 0. One erfc per
     * element and no branch between two approximations; the subtraction 2 − erfc(t) ≥ 1 cancels
     * nothing.
     *
     * <p>erfc(z) = u·exp(−z² + G(u)), u = 2/(2+z), as {@link #erfcCore}, but written out and
     * rearranged for the vector loop's throughput (same coefficients; see
     * docs/kernels/elementwise.md, "GELU kernel"): 2 + z is one FMA on |x|; −z² = −x²/2 is carried
     * as −m + lo with m = (x/2)·x, so x/2 serves both the square and the final product; G is
     * evaluated as G0 + w·(G1 + w·H(w²)) with H in w² (shorter dependency chain, same accuracy as
     * plain Horner, which the even/odd split without the last two Horner steps was not); exp(r)'s
     * polynomial in pairs; u·(1 + p) is one FMA; 2^(k+64) is added to the exponent bits (the
     * product is a normal float) and only 2^−64 is a multiplication, which rounds a subnormal
     * result once. Measured 5.20 ulp worst case (the {@link #erfcCore} form: 5.38).
     */
    public static float gelu(float x) {
        float half = 0.5f * x;
        float a = Math.abs(x);
        float e;
        if (a < GELU_ERFC_ZERO) { // a NaN goes to the else branch: e = 0, and half·... stays NaN
            float m = half * x; // x²/2 rounded; −x²/2 = −m + lo exactly
            float lo = Math.fma(-half, x, m);
            float u = 2f / Math.fma(a, INV_SQRT2, 2f); // 2/(2 + |x|/√2)
            float w = u - G_CENTER;
            float w2 = w * w;
            float a1 = Math.fma(G3, w, G2);
            float a2 = Math.fma(G5, w, G4);
            float a3 = Math.fma(G7, w, G6);
            float a4 = Math.fma(G9, w, G8);
            float h = Math.fma(G10, w2, a4);
            h = Math.fma(h, w2, a3);
            h = Math.fma(h, w2, a2);
            h = Math.fma(h, w2, a1);
            float g = Math.fma(Math.fma(h, w, G1), w, G0);
            // exp(−m + lo2), lo2 = lo + G: k = round((−m + lo2)·log2 e), r = −m − k·ln2 + lo2
            float lo2 = lo + g;
            float tt = Math.fma(lo2 - m, LOG2E, ROUND_MAGIC);
            float kf = tt - ROUND_MAGIC;
            float r = lo2 - Math.fma(kf, LN2_HI, m); // the fma is exact: m and k·ln2_hi share their top bits
            r = Math.fma(kf, -LN2_LO, r);
            float r2 = r * r;
            float q = Math.fma(Math.fma(Math.fma(E5, r, E4), r2, Math.fma(E3, r, E2)), r2, Math.fma(E1, r, E0));
            float eu = Math.fma(u, Math.fma(r2, q, r), u); // u·e^r = u·(1 + r + r²q)
            // ·2^(k+64) on the exponent bits (k + 64 ∈ [−100, 64]: the result stays normal), then ·2^−64
            int scale = (Float.floatToRawIntBits(tt) + EXP64_BITS) << 23;
            e = Float.intBitsToFloat(Float.floatToRawIntBits(eu) + scale) * 0x1p-64f;
        } else {
            e = 0f; // also ±Inf: +Inf·2 = +Inf, −Inf·0 = NaN as PyTorch
        }
        return half * (x >= 0f ? 2f - e : e);
    }

    /** torch.nn.functional.gelu(approximate='tanh'), computed as x·sigmoid(2u). */
    public static float geluTanh(float x) {
        float inner = Math.fma(GELU_TANH_KAPPA, x * x * x, x);
        float u2 = (2f * GELU_TANH_BETA) * inner;
        return x * sigmoid(u2);
    }

    /** CLIP's quick_gelu: x·sigmoid(1.702x). */
    public static float quickGelu(float x) {
        return x * sigmoid(QUICK_GELU_ALPHA * x);
    }

    /** x·sigmoid(x), torch.nn.functional.silu. */
    public static float silu(float x) {
        return x * sigmoid(x);
    }
}
