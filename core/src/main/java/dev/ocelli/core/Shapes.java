package dev.ocelli.core;

/**
 * Helpers on shapes held as {@code long[]}: element counts, formatting, C-order strides and
 * PyTorch broadcasting.
 *
 * <p>Sizes are {@code long} because a memory-mapped checkpoint tensor may exceed 2^31 elements.
 * All checks throw {@link ShapeException} with the shapes in the message.
 */
public final class Shapes {

    private Shapes() {
    }

    /** Number of elements; throws when a size is negative or the product overflows a long. */
    public static long numel(long... shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new ShapeException("negative size in shape " + str(shape));
            }
        }
        for (long s : shape) {
            try {
                n = Math.multiplyExact(n, s);
            } catch (ArithmeticException e) {
                throw new ShapeException("shape " + str(shape) + " has more than 2^63-1 elements");
            }
        }
        return n;
    }

    /** Formats a shape as {@code [1,577,1024]} (no spaces, like the error messages everywhere). */
    public static String str(long... shape) {
        if (shape == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /** Formats dims as {@code [0,2,1]}. */
    public static String str(int... dims) {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            l[i] = dims[i];
        }
        return str(l);
    }

    /**
     * C-order (row-major) strides in elements. Like PyTorch, a size-0 dim counts as 1 when
     * computing the strides of the dims before it, so strides stay positive.
     */
    public static long[] contiguousStrides(long... shape) {
        numel(shape); // validates sizes
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /**
     * The shape two operands broadcast to under PyTorch rules: align from the right, each pair
     * of sizes must be equal or one of them 1, missing leading dims count as 1.
     */
    public static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = a.length - rank + i;
            int ib = b.length - rank + i;
            long sa = ia >= 0 ? a[ia] : 1;
            long sb = ib >= 0 ? b[ib] : 1;
            if (sa == sb || sb == 1) {
                out[i] = sa;
            } else if (sa == 1) {
                out[i] = sb;
            } else {
                throw new ShapeException("cannot broadcast " + str(a) + " with " + str(b));
            }
        }
        return out;
    }

    /**
     * Resolves a possibly negative dim against {@code rank} (PyTorch style: -1 is the last).
     * {@code shape} is only used for the message.
     */
    public static int dim(int dim, int rank, long[] shape) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new ShapeException("dim " + dim + " out of range for " + str(shape));
        }
        return d;
    }
}
