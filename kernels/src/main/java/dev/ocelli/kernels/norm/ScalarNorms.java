package dev.ocelli.kernels.norm;

/**
 * Scalar reference for {@link Norms}, accumulating in double (two passes: mean, then the sum of
 * squared deviations), so it is at least as accurate as PyTorch's float kernels; the vector twin
 * accumulates in float lanes and is compared against this one with a tight tolerance.
 */
public final class ScalarNorms implements Norms {
    public static final ScalarNorms INSTANCE = new ScalarNorms();

    private ScalarNorms() {}

    @Override
    public void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                          float[] bias, int bOff, int rows, int dim, float eps) {
        Norms.checkArgs("layer_norm", out, outOff, in, inOff, weight, wOff, bias, bOff, (long) rows * dim, dim);
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                sum += in[inOff + base + i];
            }
            double mean = sum / dim;
            double sq = 0;
            for (int i = 0; i < dim; i++) {
                double d = in[inOff + base + i] - mean;
                sq += d * d;
            }
            double rstd = 1.0 / Math.sqrt(sq / dim + eps);
            for (int i = 0; i < dim; i++) {
                double y = (in[inOff + base + i] - mean) * rstd;
                if (weight != null) {
                    y *= weight[wOff + i];
                }
                if (bias != null) {
                    y += bias[bOff + i];
                }
                out[outOff + base + i] = (float) y;
            }
        }
    }

    @Override
    public void layerNorm2dPixels(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                  float[] bias, int bOff, int batch, int channels, int pixels, int p0, int p1,
                                  float eps) {
        Norms.checkArgs("layer_norm2d", out, outOff, in, inOff, weight, wOff, bias, bOff,
                (long) batch * channels * pixels, channels);
        Norms.checkPixelRange(p0, p1, pixels);
        for (int b = 0; b < batch; b++) {
            int base = b * channels * pixels;
            for (int p = p0; p < p1; p++) {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += in[inOff + base + c * pixels + p];
                }
                double mean = sum / channels;
                double sq = 0;
                for (int c = 0; c < channels; c++) {
                    double d = in[inOff + base + c * pixels + p] - mean;
                    sq += d * d;
                }
                double rstd = 1.0 / Math.sqrt(sq / channels + eps);
                for (int c = 0; c < channels; c++) {
                    int idx = base + c * pixels + p;
                    double y = (in[inOff + idx] - mean) * rstd;
                    if (weight != null) {
                        y *= weight[wOff + c];
                    }
                    if (bias != null) {
                        y += bias[bOff + c];
                    }
                    out[outOff + idx] = (float) y;
                }
            }
        }
    }

    @Override
    public void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
        long total = (long) outer * dim * inner;
        Norms.checkRange("softmax input", in, inOff, total);
        Norms.checkRange("softmax output", out, outOff, total);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * dim * inner + j;
                float max = Float.NEGATIVE_INFINITY;
                for (int d = 0; d < dim; d++) {
                    float v = in[inOff + base + d * inner];
                    // NaN must win, as in torch.max
                    max = (v > max || Float.isNaN(v)) ? v : max;
                }
                double sum = 0;
                for (int d = 0; d < dim; d++) {
                    sum += Math.exp((double) in[inOff + base + d * inner] - max);
                }
                for (int d = 0; d < dim; d++) {
                    out[outOff + base + d * inner] = (float) (Math.exp((double) in[inOff + base + d * inner] - max) / sum);
                }
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
