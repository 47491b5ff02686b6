package dev.ocelli.kernels.testing;

import java.util.SplittableRandom;

/** Shared helpers for scalar-vs-vector twin tests: awkward sizes, seeded data, comparisons. */
public final class Twins {
    private Twins() {}

    /** The awkward sizes every vector kernel is run over (tails of every width, odd primes, 4098). */
    public static final int[] SIZES = {1, 4, 6, 13, 25, 207, 702, 1536, 2046, 4098};

    public static final int[] WIDTHS = {128, 256, 512};

    public static float[] gaussian(long seed, int n, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller; enough for test data
            double u = r.nextDouble(1e-12, 1), v = r.nextDouble();
            a[i] = (float) (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return a;
    }

    /** Bit-identical (NaNs of any payload count as equal). */
    public static void assertSameBits(String what, float[] want, float[] got) {
        if (want.length != got.length) {
            throw new AssertionError(what + ": length " + got.length + " != " + want.length);
        }
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(what + ": first difference at [" + i + "]: scalar " + want[i]
                        + " vector " + got[i]);
            }
        }
    }

    /** |got − want| ≤ atol + rtol·|want| everywhere, NaN matching NaN; reports the worst element. */
    public static void assertClose(String what, float[] want, float[] got, double atol, double rtol) {
        if (want.length != got.length) {
            throw new AssertionError(what + ": length " + got.length + " != " + want.length);
        }
        int bad = 0, worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < want.length; i++) {
            float w = want[i], g = got[i];
            if (Float.isNaN(w) || Float.isNaN(g)) {
                if (Float.isNaN(w) != Float.isNaN(g)) {
                    bad++;
                    if (worst < 0) {
                        worst = i;
                        worstExcess = Double.POSITIVE_INFINITY;
                    }
                }
                continue;
            }
            if (w == g) {
                continue;
            }
            double err = Math.abs((double) g - w);
            double lim = atol + rtol * Math.abs(w);
            if (!(err <= lim)) {
                bad++;
                if (err - lim > worstExcess || worst < 0) {
                    worstExcess = err - lim;
                    worst = i;
                }
            }
        }
        if (bad > 0) {
            throw new AssertionError(what + ": " + bad + " of " + want.length + " elements differ beyond atol="
                    + atol + " rtol=" + rtol + "; worst at [" + worst + "]: want " + want[worst] + " got "
                    + got[worst]);
        }
    }
}
