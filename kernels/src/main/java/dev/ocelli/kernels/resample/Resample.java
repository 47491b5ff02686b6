package dev.ocelli.kernels.resample;

/**
 * 2-D resampling and pooling of NCHW planes on {@code float[]} + offsets, PyTorch semantics.
 *
 * <p>P = N·C planes, each [H, W] contiguous; in [P, inH, inW], out [P, outH, outW]. Output first.
 * Sizes are given explicitly (PyTorch's {@code size=} form; a {@code scale_factor=} call with
 * {@code recompute_scale_factor=None} uses 1/scale_factor instead of in/out and is not covered).
 */
public interface Resample {

    /** {@code F.interpolate(x, size=(outH, outW), mode=..., align_corners=...)}. */
    void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                     int planes, int inH, int inW, int outH, int outW);

    /**
     * {@code F.avg_pool2d(x, (kH, kW), (sH, sW), (pH, pW))} with ceil_mode=False and
     * count_include_pad=True (PyTorch's defaults). out is [P, poolOut(inH,kH,sH,pH), poolOut(inW,...)].
     */
    void avgPool2d(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                   int kH, int kW, int sH, int sW, int pH, int pW);

    /** {@code F.adaptive_avg_pool2d(x, (outH, outW))}: bins [floor(o·in/out), ceil((o+1)·in/out)). */
    void adaptiveAvgPool2d(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                           int outH, int outW);

    String name();

    /** floor((in + 2p − k)/s) + 1, PyTorch's output size with ceil_mode=False. */
    static int poolOutSize(int in, int k, int s, int p) {
        if (k <= 0 || s <= 0 || p < 0 || 2 * p > k) {
            throw new IllegalArgumentException("avg_pool2d: kernel " + k + ", stride " + s + ", padding " + p
                    + " (PyTorch needs k, s > 0 and pad <= k/2)");
        }
        int o = Math.floorDiv(in + 2 * p - k, s) + 1;
        if (o <= 0) {
            throw new IllegalArgumentException("avg_pool2d: input size " + in + " too small for kernel " + k
                    + " with padding " + p);
        }
        return o;
    }

    static void checkRange(String what, float[] a, int off, long n) {
        if (off < 0 || n < 0 || off > a.length - n) {
            throw new IndexOutOfBoundsException(what + ": range [" + off + ", " + off + "+" + n
                    + ") outside array of length " + a.length);
        }
    }

    static void checkSizes(String op, int planes, int inH, int inW, int outH, int outW) {
        if (planes < 0 || inH <= 0 || inW <= 0 || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException(op + ": sizes must be positive, got planes=" + planes + " in=["
                    + inH + "," + inW + "] out=[" + outH + "," + outW + "]");
        }
    }
}
