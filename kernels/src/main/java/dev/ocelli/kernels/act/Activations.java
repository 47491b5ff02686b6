package dev.ocelli.kernels.act;

/**
 * Element-wise activations on {@code float[]} + offset + length.
 *
 * <p>Arguments go output first, then input. {@code out} and {@code in} may be the same array at
 * the same offset (in place); other overlaps are not allowed. Accuracy (measured, see
 * docs/kernels/elementwise.md): GELU and the erf/exp/tanh underneath are within a few float ulp
 * of the exact value over the whole float range; the scalar and vector implementations return
 * identical bits.
 */
public interface Activations {

    /** out[outOff + i] = f(in[inOff + i]) for i in [0, n). */
    void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n);

    /** x[off + i] = f(x[off + i]) for i in [0, n). */
    default void applyInPlace(Activation f, float[] x, int off, int n) {
        apply(f, x, off, x, off, n);
    }

    /** Short name for logs, e.g. "scalar" or "vector-512". */
    String name();

    static void checkRange(String what, float[] a, int off, int n) {
        if (off < 0 || n < 0 || off > a.length - n) {
            throw new IndexOutOfBoundsException(what + ": range [" + off + ", " + off + "+" + n
                    + ") outside array of length " + a.length);
        }
    }
}
