package dev.ocelli.kernels.conv;

/**
 * Scalar reference for {@link DepthwiseConv}: the definition, one output at a time,
 * acc = bias, then acc = fma(x, w, acc) over the valid taps in (ky, kx) order. The vector
 * kernel accumulates in the same order with the same FMAs, so the two agree bit for bit.
 */
public final class ScalarDepthwiseConv implements DepthwiseConv {
    public static final ScalarDepthwiseConv INSTANCE = new ScalarDepthwiseConv();

    private ScalarDepthwiseConv() {}

    @Override
    public void conv2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias, int bOff,
                       int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        int oh = DepthwiseConv.outSize("height", h, kh, sh, ph, dh);
        int ow = DepthwiseConv.outSize("width", w, kw, sw, pw, dw);
        DepthwiseConv.checkRange("depthwise input", in, inOff, (long) n * c * h * w);
        DepthwiseConv.checkRange("depthwise weight", weight, wOff, (long) c * kh * kw);
        DepthwiseConv.checkRange("depthwise output", out, outOff, (long) n * c * oh * ow);
        if (bias != null) {
            DepthwiseConv.checkRange("depthwise bias", bias, bOff, c);
        }
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int plane = inOff + (b * c + ch) * h * w;
                int k0 = wOff + ch * kh * kw;
                float b0 = bias == null ? 0f : bias[bOff + ch];
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float acc = b0;
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
                                acc = Math.fma(in[plane + iy * w + ix], weight[k0 + ky * kw + kx], acc);
                            }
                        }
                        out[outOff + ((b * c + ch) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
    }

    @Override
    public void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                           int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                           int dh, int dw, int rowStart, int rowEnd) {
        int oh = DepthwiseConv.outSize("height", h, kh, sh, ph, dh);
        int ow = DepthwiseConv.outSize("width", w, kw, sw, pw, dw);
        DepthwiseConv.checkRange("depthwise input", in, inOff, (long) n * c * h * w);
        DepthwiseConv.checkRange("depthwise weight", weight, wOff, (long) c * kh * kw);
        DepthwiseConv.checkRange("depthwise output", out, outOff, (long) n * c * oh * ow);
        for (int b = 0; b < n; b++) {
            for (int oy = Math.max(rowStart, 0); oy < Math.min(rowEnd, oh); oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        float acc = bias == null ? 0f : bias[bOff + ch];
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
                                acc = Math.fma(in[inOff + ((b * h + iy) * w + ix) * c + ch],
                                        weight[wOff + (ky * kw + kx) * c + ch], acc);
                            }
                        }
                        out[outOff + ((b * oh + oy) * ow + ox) * c + ch] = acc;
                    }
                }
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
