package dev.ocelli.kernels.conv;

/**
 * The sizes of one {@code F.conv2d} call, validated once: N batch, C input channels, H/W input,
 * OC output channels, KH/KW kernel, stride, padding, dilation, groups.
 * OH = (H + 2·pH − dH·(KH−1) − 1)/sH + 1, likewise OW (PyTorch's formula).
 */
public record ConvShape(int n, int c, int h, int w, int oc, int kh, int kw,
                        int sh, int sw, int ph, int pw, int dh, int dw, int groups) {

    public ConvShape {
        if (n < 0 || c <= 0 || h <= 0 || w <= 0 || oc <= 0 || kh <= 0 || kw <= 0) {
            throw new IllegalArgumentException("conv2d: sizes must be positive, got " + describe(n, c, h, w, oc, kh, kw));
        }
        if (sh <= 0 || sw <= 0 || ph < 0 || pw < 0 || dh <= 0 || dw <= 0) {
            throw new IllegalArgumentException("conv2d: stride (" + sh + "," + sw + ") and dilation (" + dh + "," + dw
                    + ") must be > 0 and padding (" + ph + "," + pw + ") >= 0");
        }
        if (groups <= 0 || c % groups != 0 || oc % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups=" + groups + " must divide input channels " + c
                    + " and output channels " + oc);
        }
        if (h + 2 * ph < dh * (kh - 1) + 1 || w + 2 * pw < dw * (kw - 1) + 1) {
            throw new IllegalArgumentException("conv2d: padded input " + (h + 2 * ph) + "x" + (w + 2 * pw)
                    + " is smaller than the dilated kernel " + (dh * (kh - 1) + 1) + "x" + (dw * (kw - 1) + 1));
        }
    }

    public int oh() {
        return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    }

    public int ow() {
        return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    }

    /** Channels per group on the input side (C/G) and the output side (OC/G). */
    public int cg() {
        return c / groups;
    }

    public int ocg() {
        return oc / groups;
    }

    /** 2·N·OC·OH·OW·(C/G)·KH·KW: one multiply-add per tap is two flops. */
    public double flops() {
        return 2.0 * n * oc * (double) oh() * ow() * cg() * kh * kw;
    }

    private static String describe(int n, int c, int h, int w, int oc, int kh, int kw) {
        return "input [" + n + "," + c + "," + h + "," + w + "], " + oc + " output channels, kernel " + kh + "x" + kw;
    }
}
