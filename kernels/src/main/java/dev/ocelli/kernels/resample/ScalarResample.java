package dev.ocelli.kernels.resample;

/**
 * Scalar reference for {@link Resample}: each output pixel computed on its own, exactly as
 * PyTorch's formula reads: out = Σ_i wy_i · (Σ_j wx_j · x[iy_i, ix_j]) (width taps inside).
 */
public final class ScalarResample implements Resample {
    public static final ScalarResample INSTANCE = new ScalarResample();

    private ScalarResample() {}

    @Override
    public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                            int planes, int inH, int inW, int outH, int outW) {
        Resample.checkSizes("interpolate " + mode, planes, inH, inW, outH, outW);
        if (mode == Interp.NEAREST && alignCorners) {
            throw new IllegalArgumentException("interpolate: align_corners only applies to linear/cubic modes");
        }
        Resample.checkRange("interpolate input", in, inOff, (long) planes * inH * inW);
        Resample.checkRange("interpolate output", out, outOff, (long) planes * outH * outW);
        Taps ty = Taps.of(mode, alignCorners, inH, outH);
        Taps tx = Taps.of(mode, alignCorners, inW, outW);
        for (int p = 0; p < planes; p++) {
            int src = inOff + p * inH * inW;
            int dst = outOff + p * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    float acc = 0f;
                    for (int i = 0; i < ty.taps(); i++) {
                        int row = src + ty.idx()[oy * ty.taps() + i] * inW;
                        float h = 0f;
                        for (int j = 0; j < tx.taps(); j++) {
                            float v = tx.w()[ox * tx.taps() + j] * in[row + tx.idx()[ox * tx.taps() + j]];
                            h = j == 0 ? v : h + v;
                        }
                        float v = ty.w()[oy * ty.taps() + i] * h;
                        acc = i == 0 ? v : acc + v;
                    }
                    out[dst + oy * outW + ox] = acc;
                }
            }
        }
    }

    @Override
    public void avgPool2d(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                          int kH, int kW, int sH, int sW, int pH, int pW) {
        int outH = Resample.poolOutSize(inH, kH, sH, pH);
        int outW = Resample.poolOutSize(inW, kW, sW, pW);
        Resample.checkRange("avg_pool2d input", in, inOff, (long) planes * inH * inW);
        Resample.checkRange("avg_pool2d output", out, outOff, (long) planes * outH * outW);
        for (int p = 0; p < planes; p++) {
            int src = inOff + p * inH * inW;
            int dst = outOff + p * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                int h0 = oy * sH - pH;
                int h1 = Math.min(h0 + kH, inH + pH);
                for (int ox = 0; ox < outW; ox++) {
                    int w0 = ox * sW - pW;
                    int w1 = Math.min(w0 + kW, inW + pW);
                    int count = (h1 - h0) * (w1 - w0); // count_include_pad: padded cells count
                    float sum = 0f;
                    for (int y = Math.max(h0, 0); y < Math.min(h1, inH); y++) {
                        for (int x = Math.max(w0, 0); x < Math.min(w1, inW); x++) {
                            sum += in[src + y * inW + x];
                        }
                    }
                    out[dst + oy * outW + ox] = sum / count;
                }
            }
        }
    }

    @Override
    public void adaptiveAvgPool2d(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                                  int outH, int outW) {
        Resample.checkSizes("adaptive_avg_pool2d", planes, inH, inW, outH, outW);
        Resample.checkRange("adaptive_avg_pool2d input", in, inOff, (long) planes * inH * inW);
        Resample.checkRange("adaptive_avg_pool2d output", out, outOff, (long) planes * outH * outW);
        for (int p = 0; p < planes; p++) {
            int src = inOff + p * inH * inW;
            int dst = outOff + p * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                int y0 = adaptiveStart(oy, inH, outH), y1 = adaptiveEnd(oy, inH, outH);
                for (int ox = 0; ox < outW; ox++) {
                    int x0 = adaptiveStart(ox, inW, outW), x1 = adaptiveEnd(ox, inW, outW);
                    float sum = 0f;
                    for (int y = y0; y < y1; y++) {
                        for (int x = x0; x < x1; x++) {
                            sum += in[src + y * inW + x];
                        }
                    }
                    out[dst + oy * outW + ox] = sum / ((y1 - y0) * (x1 - x0));
                }
            }
        }
    }

    static int adaptiveStart(int o, int in, int out) {
        return (int) Math.floorDiv((long) o * in, out);
    }

    static int adaptiveEnd(int o, int in, int out) {
        return (int) -Math.floorDiv(-(long) (o + 1) * in, out);
    }

    @Override
    public String name() {
        return "scalar";
    }
}
