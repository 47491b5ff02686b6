package dev.ocelli.kernels.act;

/**
 * Double-precision erf/erfc used as the "exact" reference for float kernels (accurate to ~1e-13
 * relative, far below a float ulp): Maclaurin series below 3, continued fraction for erfc above.
 * Checked against mpmath values in {@link MathAccuracyTest#referenceMatchesMpmath}.
 */
final class ErfReference {
    private ErfReference() {}

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    static double erf(double x) {
        double z = Math.abs(x);
        if (Double.isNaN(x)) {
            return x;
        }
        double r = z < 3 ? series(z) : 1 - erfcFraction(z);
        return Math.copySign(r, x);
    }

    /** erfc(x) for any x, keeping relative accuracy for large positive x. */
    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x < 3) {
            return 1 - erf(x);
        }
        return erfcFraction(x);
    }

    private static double series(double z) {
        // erf(z) = 2/sqrt(pi) * sum_n (-1)^n z^(2n+1) / (n! (2n+1))
        double z2 = z * z;
        double term = z; // (-1)^n z^(2n+1)/n!
        double sum = z;
        for (int n = 1; n < 200; n++) {
            term *= -z2 / n;
            double t = term / (2 * n + 1);
            sum += t;
            if (Math.abs(t) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    private static double erfcFraction(double z) {
        if (z > 27) {
            return 0; // below the smallest double denormal
        }
        // erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...)))))
        double f = z;
        for (int k = 120; k >= 1; k--) {
            f = z + (k / 2.0) / f;
        }
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
    }
}
