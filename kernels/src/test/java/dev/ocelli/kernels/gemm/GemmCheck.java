package dev.ocelli.kernels.gemm;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.fail;

/** Test helpers: seeded data and an abs+rel comparison whose tolerance grows with K. */
final class GemmCheck {
    private GemmCheck() {}

    static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return x;
    }

    /**
     * |got − want| ≤ atol + rtol·|want| with atol = 1e-5 + 2.5e-7·K and rtol = 1e-5. Inputs are
     * in [-1, 1], so a float sum over K has a rounding error of order √K·ε·√K ≤ K·ε ≈ 1.2e-7·K;
     * the reference (v0) sums in double.
     */
    static void assertClose(String what, float[] got, float[] want, int cOff, int ldc, int m, int n, int k) {
        double atol = 1e-5 + 2.5e-7 * k, rtol = 1e-5;
        double maxDiff = 0;
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int idx = cOff + i * ldc + j;
                double d = Math.abs((double) got[idx] - want[idx]);
                if (!(d <= atol + rtol * Math.abs(want[idx]))) {
                    if (bad++ < 5) {
                        first.append(String.format("%n  C[%d][%d] got %s want %s (diff %.3g)", i, j, got[idx], want[idx], d));
                    }
                }
                if (!(d <= maxDiff)) {
                    maxDiff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(maxDiff, d);
                }
            }
        }
        if (bad > 0) {
            fail(String.format("%s: %d of %d elements outside atol %.3g + rtol %.1g (m=%d n=%d k=%d), max diff %.3g; first:%s",
                    what, bad, m * n, atol, rtol, m, n, k, maxDiff, first));
        }
    }
}
