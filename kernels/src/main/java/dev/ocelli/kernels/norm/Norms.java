package dev.ocelli.kernels.norm;

/**
 * LayerNorm (last dim), channels-first LayerNorm2d and softmax over any dim, on {@code float[]} +
 * offsets. Output first, then input; {@code out} may equal {@code in} at the same offset.
 *
 * <p>Dimension letters: R rows, D normalized dim; B batch, C channels, P = H·W pixels;
 * softmax sees its tensor as a contiguous [outer, dim, inner] view (softmax over dim k of a
 * contiguous tensor: outer = product of sizes before k, inner = product after k).
 */
public interface Norms {

    /**
     * {@code nn.LayerNorm(D, eps)} over the last dim of in [R, D]:
     * out = (x − mean)/√(var + eps)·weight + bias with the biased variance, as PyTorch.
     * weight [D] at wOff and bias [D] at bOff may be null (elementwise_affine=False).
     */
    void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                   float[] bias, int bOff, int rows, int dim, float eps);

    /**
     * Channels-first LayerNorm as ConvNeXt's {@code LayerNorm(data_format="channels_first")} and
     * SAM's {@code LayerNorm2d}: in [B, C, P] is normalized over C for each (b, pixel);
     * weight [C], bias [C] (may be null).
     */
    default void layerNorm2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                             float[] bias, int bOff, int batch, int channels, int pixels, float eps) {
        layerNorm2dPixels(out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels, 0, pixels, eps);
    }

    /**
     * {@link #layerNorm2d} restricted to pixels [p0, p1) of every batch item (the others are not
     * touched): how {@link ParallelNorms} splits a [1, C, P] input over threads. Each pixel's
     * result does not depend on the range it was computed in.
     */
    void layerNorm2dPixels(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                           float[] bias, int bOff, int batch, int channels, int pixels, int p0, int p1, float eps);

    /** {@code torch.softmax(x, dim)} of a contiguous [outer, dim, inner] view, max-subtracted. */
    void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner);

    String name();

    static void checkRange(String what, float[] a, int off, long n) {
        checkRange(what, "", a, off, n);
    }

    /**
     * Names the array as {@code op + part} only when the check fails: concatenating up front
     * allocated 4 strings (240 bytes) on every LayerNorm call, measured with JMH -prof gc.
     */
    static void checkRange(String op, String part, float[] a, int off, long n) {
        if (a == null) {
            throw new NullPointerException(op + part + " is null");
        }
        if (off < 0 || n < 0 || off > a.length - n) {
            throw new IndexOutOfBoundsException(op + part + ": range [" + off + ", " + off + "+" + n
                    + ") outside array of length " + a.length);
        }
    }

    static void checkPixelRange(int p0, int p1, int pixels) {
        if (p0 < 0 || p1 < p0 || p1 > pixels) {
            throw new IndexOutOfBoundsException("layer_norm2d: pixel range [" + p0 + ", " + p1 + ") outside [0, "
                    + pixels + ")");
        }
    }

    static void checkArgs(String op, float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                          float[] bias, int bOff, long total, int paramLen) {
        checkRange(op, " input", in, inOff, total);
        checkRange(op, " output", out, outOff, total);
        if (weight != null) {
            checkRange(op, " weight", weight, wOff, paramLen);
        }
        if (bias != null) {
            checkRange(op, " bias", bias, bOff, paramLen);
        }
    }
}
