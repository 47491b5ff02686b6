package dev.ocelli.testdata;

import dev.ocelli.core.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Elementwise comparison against reference values, the way {@code torch.testing.assert_close}
 * does it: element {@code i} passes when {@code |actual - expected| <= atol + rtol * |expected|}.
 * NaN must be matched by NaN, and an infinity by the same infinity.
 *
 * <p>On failure the {@link AssertionError} says what a developer needs to start debugging:
 * the shape, how many elements fail, the largest absolute and relative errors (with where they
 * occur) and the five worst elements with their multi-dimensional indices, ranked by how far
 * they exceed their allowance. For example:
 * <pre>
 * gelu: 3 of 1024 elements outside atol=1.0e-06 + rtol=1.0e-05*|expected|, shape [2,512]
 *   max abs err 1.234e-03 at [1,17]; max rel err 4.500e-02 at [0,3]
 *   worst 3:
 *     [1,17]  expected 0.12345679  actual 0.12469  abs 1.234e-03  rel 9.995e-03
 * </pre>
 */
public final class Tolerance {

    /** How many offending elements a failure message lists. */
    static final int WORST = 5;

    private Tolerance() {}

    /** Compares two tensors: the shapes must be equal, then every element (converted to F32). */
    public static void assertClose(String what, Tensor expected, Tensor actual, double atol, double rtol) {
        long[] es = expected.shape();
        long[] as = actual.shape();
        if (!Arrays.equals(es, as)) {
            throw new AssertionError(what + ": shape mismatch: expected " + str(es) + ", actual " + str(as));
        }
        assertClose(what, expected.toFloatArray(), actual.toFloatArray(), es, atol, rtol);
    }

    /** Compares two flat arrays of equal length (indices are reported 1-D). */
    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertClose(what, expected, actual, new long[] {expected.length}, atol, rtol);
    }

    /** Compares two arrays holding a tensor of {@code shape} in C order. */
    public static void assertClose(String what, float[] expected, float[] actual, long[] shape,
                                   double atol, double rtol) {
        String failure = check(what, expected, actual, shape, atol, rtol);
        if (failure != null) {
            throw new AssertionError(failure);
        }
    }

    /**
     * The failure message, or null when every element is within tolerance. For callers that want
     * to report rather than throw (e.g. a benchmark printing accuracy).
     */
    public static String check(String what, float[] expected, float[] actual, long[] shape,
                               double atol, double rtol) {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("atol and rtol must be >= 0, got " + atol + ", " + rtol);
        }
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        if (expected.length != actual.length || expected.length != numel) {
            return what + ": size mismatch: expected " + expected.length + " elements, actual "
                    + actual.length + ", shape " + str(shape) + " has " + numel;
        }
        int bad = 0;
        double maxAbs = 0;
        int maxAbsAt = -1;
        double maxRel = 0;
        int maxRelAt = -1;
        // the WORST worst offenders, kept sorted by descending excess (tiny insertion list)
        int[] worstIdx = new int[WORST];
        double[] worstExcess = new double[WORST];
        int worstN = 0;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            double excess; // > 1 means out of tolerance: error / allowance (infinite for NaN/Inf mismatches)
            if (Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.isNaN(e) && Float.isNaN(a)) {
                    continue;
                }
                excess = Double.POSITIVE_INFINITY;
            } else if (Float.isInfinite(e) || Float.isInfinite(a)) {
                if (e == a) {
                    continue;
                }
                excess = Double.POSITIVE_INFINITY;
                if (maxAbs != Double.POSITIVE_INFINITY) { // report the first infinite error
                    maxAbs = Double.POSITIVE_INFINITY;
                    maxAbsAt = i;
                }
            } else {
                double err = Math.abs((double) a - (double) e);
                double rel = err == 0 ? 0 : err / Math.abs((double) e); // e == 0, err > 0 -> Infinity
                if (err > maxAbs) {
                    maxAbs = err;
                    maxAbsAt = i;
                }
                if (rel > maxRel) {
                    maxRel = rel;
                    maxRelAt = i;
                }
                double allowed = atol + rtol * Math.abs((double) e);
                if (err <= allowed) {
                    continue;
                }
                excess = allowed == 0 ? Double.POSITIVE_INFINITY : err / allowed;
            }
            bad++;
            if (worstN < WORST || excess > worstExcess[WORST - 1]) {
                int p = Math.min(worstN, WORST - 1);
                while (p > 0 && worstExcess[p - 1] < excess) {
                    worstExcess[p] = worstExcess[p - 1];
                    worstIdx[p] = worstIdx[p - 1];
                    p--;
                }
                worstExcess[p] = excess;
                worstIdx[p] = i;
                worstN = Math.min(worstN + 1, WORST);
            }
        }
        if (bad == 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(what).append(": ").append(bad).append(" of ").append(expected.length)
                .append(" elements outside atol=").append(sci(atol)).append(" + rtol=").append(sci(rtol))
                .append("*|expected|, shape ").append(str(shape)).append('\n');
        sb.append("  max abs err ").append(sci(maxAbs));
        if (maxAbsAt >= 0) {
            sb.append(" at ").append(str(unravel(maxAbsAt, shape)));
        }
        sb.append("; max rel err ").append(sci(maxRel));
        if (maxRelAt >= 0) {
            sb.append(" at ").append(str(unravel(maxRelAt, shape)));
        }
        sb.append('\n');
        sb.append("  worst ").append(worstN).append(bad > worstN ? " of " + bad : "").append(":\n");
        for (int k = 0; k < worstN; k++) {
            int i = worstIdx[k];
            double err = Math.abs((double) actual[i] - (double) expected[i]);
            sb.append("    ").append(str(unravel(i, shape)))
                    .append("  expected ").append(expected[i])
                    .append("  actual ").append(actual[i])
                    .append("  abs ").append(sci(err))
                    .append("  rel ").append(sci(expected[i] == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY)
                            : err / Math.abs((double) expected[i])))
                    .append('\n');
        }
        return sb.toString().stripTrailing();
    }

    /** Multi-dimensional index of flat C-order index {@code flat} in {@code shape}. */
    static long[] unravel(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                idx[d] = flat % shape[d];
                flat /= shape[d];
            }
        }
        return idx;
    }

    static String str(long[] a) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < a.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(a[i]);
        }
        return sb.append(']').toString();
    }

    private static String sci(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
