package dev.ocelli.kernels.conv;

/**
 * The definition of {@code F.conv2d(x, weight, bias, stride, padding, dilation, groups)} in
 * PyTorch's NCHW layout, as plain loops. It stays here permanently as the reference every fast
 * route of {@link Conv2d} is tested against, and as the slowest-but-obvious fallback.
 *
 * <p>Letters: N batch, C input channels, OC output channels, G groups (C/G and OC/G channels per
 * group), H/W input, OH/OW output, KH/KW kernel, s stride, p padding, d dilation.
 * <pre>
 *   // x is (N, C, H, W); weight is (OC, C/G, KH, KW); bias is (OC) or null; out is (N, OC, OH, OW)
 *   out[n, oc, oy, ox] = bias[oc] + Σ_{ci < C/G, ky, kx} weight[oc, ci, ky, kx] ·
 *                        x[n, g·C/G + ci, oy·sH − pH + ky·dH, ox·sW − pW + kx·dW]   (g = oc / (OC/G),
 *                        taps outside the image count as zero)
 * </pre>
 * The sum runs in (ci, ky, kx) order in double precision, rounded once, so it is a reference of
 * the exact value rather than of one float summation order.
 */
public final class ScalarConv2d {
    private ScalarConv2d() {}

    public static void conv2d(float[] out, int outOff, float[] x, int xOff, float[] weight, int wOff,
                              float[] bias, int bOff, int n, int c, int h, int w, int oc, int kh, int kw,
                              int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        ConvShape s = new ConvShape(n, c, h, w, oc, kh, kw, sh, sw, ph, pw, dh, dw, groups);
        int oh = s.oh(), ow = s.ow();
        int cg = c / groups, ocg = oc / groups;
        DepthwiseConv.checkRange("conv2d input", x, xOff, (long) n * c * h * w);
        DepthwiseConv.checkRange("conv2d weight", weight, wOff, (long) oc * cg * kh * kw);
        DepthwiseConv.checkRange("conv2d output", out, outOff, (long) n * oc * oh * ow);
        if (bias != null) {
            DepthwiseConv.checkRange("conv2d bias", bias, bOff, oc);
        }
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < oc; o++) {
                int g = o / ocg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = bias == null ? 0 : bias[bOff + o];
                        for (int ci = 0; ci < cg; ci++) {
                            int plane = xOff + (b * c + g * cg + ci) * h * w;
                            int wBase = wOff + ((o * cg + ci) * kh) * kw;
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * sh - ph + ky * dh;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * sw - pw + kx * dw;
                                    if (ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    acc += (double) weight[wBase + ky * kw + kx] * x[plane + iy * w + ix];
                                }
                            }
                        }
                        out[outOff + ((b * oc + o) * oh + oy) * ow + ox] = (float) acc;
                    }
                }
            }
        }
    }
}
