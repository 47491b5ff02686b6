package dev.ocelli.kernels.conv;

/**
 * Depthwise 2-D convolution ({@code F.conv2d(x, weight, bias, stride, padding, dilation, groups=C)}
 * with weight [C, 1, kh, kw]), as ConvNeXt's 7×7 {@code dwconv} and LLaVA-HR's MR-Adapter use it.
 *
 * <p>Letters: N batch, C channels, H/W input, OH/OW output, kh/kw kernel, s stride, p padding,
 * d dilation; OH = (H + 2·pH − dH·(kH−1) − 1)/sH + 1, likewise OW.
 *
 * <p>Two layouts: {@link #conv2d} takes PyTorch's NCHW; {@link #conv2dNhwc} takes channels-last
 * tensors (in [N, H, W, C], weight [kh, kw, C], out [N, OH, OW, C]), which is the layout the fast
 * kernel works in (lanes run over channels). A model that keeps activations channels-last (a
 * ConvNeXt block permutes to NHWC right after its dwconv anyway) calls the NHWC form and pays no
 * conversion; the NCHW form converts at the edges.
 */
public interface DepthwiseConv {

    /** NCHW: in [n, c, h, w], weight [c, 1, kh, kw] at wOff, bias [c] (nullable), out [n, c, oh, ow]. */
    void conv2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias, int bOff,
                int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw);

    /**
     * NHWC: in [n, h, w, c], weight [kh, kw, c] at wOff (channels innermost), bias [c] (nullable),
     * out [n, oh, ow, c]; computes output rows [rowStart, rowEnd) of every image only, so callers
     * can split the rows over threads (rows are independent and touch disjoint output).
     */
    void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias, int bOff,
                    int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                    int rowStart, int rowEnd);

    String name();

    static int outSize(String dim, int in, int k, int s, int p, int d) {
        if (k <= 0 || s <= 0 || p < 0 || d <= 0) {
            throw new IllegalArgumentException("depthwise conv2d: bad " + dim + " kernel " + k + ", stride " + s
                    + ", padding " + p + ", dilation " + d);
        }
        int o = (in + 2 * p - d * (k - 1) - 1) / s + 1;
        if (in + 2 * p - d * (k - 1) - 1 < 0 || o <= 0) {
            throw new IllegalArgumentException("depthwise conv2d: input " + dim + " " + in + " smaller than the dilated kernel "
                    + (d * (k - 1) + 1) + " with padding " + p);
        }
        return o;
    }

    static void checkRange(String what, float[] a, int off, long n) {
        if (a == null) {
            throw new NullPointerException(what + " is null");
        }
        if (off < 0 || n < 0 || off > a.length - n) {
            throw new IndexOutOfBoundsException(what + ": range [" + off + ", " + off + "+" + n
                    + ") outside array of length " + a.length);
        }
    }
}
