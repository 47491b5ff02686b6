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
 *   <li>GELU(x) = x·Φ(x), Φ(x) = (1 + erf(x/√2))/2, through erfc only: with e = erfc(|x|/√2),
 *       x·Φ(x) = relu(x) − (|x|/2)·e for either sign (x ≥ 0: x − x·e/2; x &lt; 0: x·e/2), one FMA.
 *       erfc(z) = erfcx(z)·e^(−z²), erfcx a polynomial in u = 2/(2+z) and e^(−z²) = e^(−x²/2)
 *       with x²/2 carried as an exact hi+lo pair, so the negative tail is accurate relative to its
 *       (tiny) value, not just absolutely. See {@link #gelu}.</li>
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

    // ---- GELU (see gelu): erfcx(z)/GELU_EXP_SCALE as a polynomial in w = u − GELU_CENTER,
    // u = 2/(2+z), z ∈ [0, 15/√2]; e^r = 1 + r + r²(GELU_P0 + GELU_P1·r) on |r| ≤ ln2/32 ----
    /** |x| is clamped to 15 (as bits: for non-negative floats int order is float order). */
    static final int GELU_CLAMP_BITS = Float.floatToRawIntBits(15f);
    public static final float GELU_CENTER = 0.2086f;
    public static final float GELU_F10 = 1.435920969e-02f;
    public static final float GELU_F9 = -8.041857928e-02f;
    public static final float GELU_F8 = 1.607994586e-01f;
    public static final float GELU_F7 = -1.038176268e-01f;
    public static final float GELU_F6 = -5.483303219e-02f;
    public static final float GELU_F5 = 2.400560625e-04f;
    public static final float GELU_F4 = 1.306169480e-01f;
    public static final float GELU_F3 = 2.342708260e-01f;
    public static final float GELU_F2 = 2.699711919e-01f;
    public static final float GELU_F1 = 2.422106415e-01f;
    public static final float GELU_F0 = 4.066303000e-02f;
    public static final float GELU_P1 = 1.666683108e-01f;
    public static final float GELU_P0 = 5.000165105e-01f;
    /** 16·log2(e): k16 = round(−x²/2 · 16·log2 e) splits 2^(k16/16) into 2^k · 2^(j/16). */
    public static final float LOG2E_X16 = 23.083120654223414f;
    /** ln2/16 split hi/lo; hi has 12 significant bits, so k16·hi is exact for |k16| &lt; 2^12. */
    public static final float LN2_16_HI = 0.0433197021484375f;
    public static final float LN2_16_LO = 1.9966364561696537e-06f;
    /**
     * 1.5·2^23 + 1024: adding it rounds to an integer k16 in the low mantissa bits, offset by
     * 1024 = 16·64 so that (bits >> 4) is k + 64 and (bits & 15) is j.
     */
    public static final float GELU_ROUND_MAGIC = 12583936f;
    /**
     * The common factor s of the 2^(j/16) table: the float in [1, 2) whose 16 products
     * s·2^(j/16) round to floats closest to exact (1.55e-8 relative at most, against 4.7e-8 for
     * s = 1); the erfcx polynomial is fitted to erfcx/s so that the product is unchanged.
     */
    public static final float GELU_EXP_SCALE = 1.8130948543548584f;
    /** Raw bits of fl(GELU_EXP_SCALE · 2^(j/16)), j = 0..15 (an int table so vector code can permute it). */
    static final int[] GELU_EXP2_16THS_BITS = {
        0x3fe8137e, 0x3ff259dd, 0x3ffd14b1, 0x40042491, 0x4009fe49, 0x40101a50, 0x40167b96, 0x401d252c,
        0x40241a45, 0x402b5e39, 0x4032f486, 0x403ae0d1, 0x404326e9, 0x404bcac8, 0x4054d094, 0x405e3ca4,
    };
    /** 1.0f's bits: the step(x) factor of relu(x) = x·step(x) is these bits where x's sign bit is clear. */
    static final int ONE_BITS = Float.floatToRawIntBits(1f);

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
     * erfc only. With a = |x|, z = a/√2 and e = erfc(z): Φ(x) = 1 − e/2 for x ≥ 0 and e/2 for
     * x &lt; 0, so x·Φ(x) = relu(x) − (a/2)·e for either sign: one FMA, no blend, and the negative
     * tail x·e/2 keeps its relative precision (no 1 − erf cancellation, unlike PyTorch's float
     * kernel, which returns 0 from x ≈ −5.5 on).
     *
     * <p>e = erfcx(z)·e^(−z²), erfcx(z) = erfc(z)·e^(z²) (1 at z = 0, 0.053 at z = 10.6):
     * <ul>
     *   <li>erfcx/s is a degree-10 polynomial in w = u − 0.2086, u = 2/(2+z), fitted for relative
     *       error on z ∈ [0, 15/√2]; evaluated as F0 + w·(F1 + w·H(w²)) with H Horner in w² on
     *       pairs (F2 + F3·w), … (a shorter dependency chain than plain Horner).</li>
     *   <li>e^(−z²) = e^(−x²/2): x²/2 = m − lo exactly (m = (a/2)·a rounded, lo by FMA);
     *       k16 = round(−m·16·log2 e) = 16k + j; r = −m − k16·ln2/16 + lo (Cody–Waite, exact
     *       first step); e^r = 1 + r + r²(P0 + P1·r) on |r| ≤ ln2/32; 2^(j/16)·s from a 16-entry
     *       table (a register permute in the vector code); 2^k on the exponent bits.</li>
     *   <li>The exp no longer depends on the polynomial (an earlier form put log erfcx into the
     *       exponent), so the two halves run side by side in the vector loop.</li>
     *   <li>2^(k+64) is added to the exponent bits (the product stays normal for k ≥ −163, and
     *       a ≤ 15 keeps k there), then one multiplication by −2^−64 rounds once if the result
     *       is subnormal and supplies the sign.</li>
     *   <li>a is clamped to 15 with an integer min on the bits: erfc(15/√2) ≈ 1e−50 rounds to 0,
     *       x² stays finite, and NaN/±Inf never reach the exponent arithmetic.</li>
     *   <li>relu(x) = x·step(x), step = 1 where the sign bit is clear and 0 where it is set: −0
     *       stays −0, −Inf gives NaN (−Inf·0) as PyTorch, NaN stays NaN, +Inf stays +Inf.</li>
     * </ul>
     * Accuracy (docs/kernels/elementwise.md): ≤ 7 ulp for results of magnitude ≥ 128·MIN_NORMAL,
     * measured on every float in [−15, 15]; below that, within a few MIN_VALUE.
     */
    public static float gelu(float x) {
        float ab = Math.abs(x);
        float a = Float.intBitsToFloat(Math.min(Float.floatToRawIntBits(ab), GELU_CLAMP_BITS));
        float ha = a * 0.5f;
        float m = ha * a; // x²/2 rounded; x²/2 = m − lo exactly
        float lo = Math.fma(-ha, a, m);
        // e^(−m + lo) = 2^k · 2^(j/16) · e^r
        float tt = Math.fma(m, -LOG2E_X16, GELU_ROUND_MAGIC);
        float kf = tt - GELU_ROUND_MAGIC;
        float r = lo - Math.fma(kf, LN2_16_HI, m); // the fma is exact: m and k16·ln2_hi/16 share their top bits
        r = Math.fma(kf, -LN2_16_LO, r);
        float p = Math.fma(r * r, Math.fma(GELU_P1, r, GELU_P0), r); // e^r − 1
        int tb = Float.floatToRawIntBits(tt);
        float tj = Float.intBitsToFloat(GELU_EXP2_16THS_BITS[tb & 15]);
        // erfcx(z)/s at w = u − center
        float u = 2f / Math.fma(a, INV_SQRT2, 2f); // 2/(2 + |x|/√2)
        float w = u - GELU_CENTER;
        float w2 = w * w;
        float a1 = Math.fma(GELU_F3, w, GELU_F2);
        float a2 = Math.fma(GELU_F5, w, GELU_F4);
        float a3 = Math.fma(GELU_F7, w, GELU_F6);
        float a4 = Math.fma(GELU_F9, w, GELU_F8);
        float h = Math.fma(w2, GELU_F10, a4);
        h = Math.fma(h, w2, a3);
        h = Math.fma(h, w2, a2);
        h = Math.fma(h, w2, a1);
        float g = Math.fma(Math.fma(h, w, GELU_F1), w, GELU_F0);
        float gt = g * tj;
        float eu = Math.fma(gt, p, gt); // erfcx·2^(j/16)·e^r
        // ·2^(k+64) on the exponent bits: bits(tt) >> 4 is k + 64 (see GELU_ROUND_MAGIC), then ·(−2^−64)
        int scale = (tb >> 4) << 23;
        float ne = Float.intBitsToFloat(Float.floatToRawIntBits(eu) + scale) * -0x1p-64f; // −erfc(z)
        float relu = x * ((Float.floatToRawIntBits(x) >> 31) == 0 ? 1f : 0f);
        return Math.fma(ha, ne, relu);
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
