package dev.ocelli.encoders.convnext;

import dev.ocelli.kernels.gemm.Epilogue;
import dev.ocelli.kernels.gemm.Operand;

/**
 * A k×k convolution with stride k and no padding ({@code nn.Conv2d(C, OC, k, stride=k)}): ConvNeXt's
 * stem (k = 4, NCHW image in) and its downsample convs (k = 2, NHWC in). The patches do not
 * overlap, so im2col is a plain gather and the conv is one GEMM that writes channels-last output:
 *
 * <pre>
 *   A[(b,oy,ox), (c,i,j)] = x[b, c, oy·k+i, ox·k+j]           // [P, C·k·k], gathered
 *   out[(b,oy,ox), o]     = Σ A[.., (c,i,j)] · weight[o, c, i, j] + bias[o]
 *   // weight is (OC, C, k, k) as stored: read as [OC, C·k·k] row-major it is exactly Bᵀ, so the
 *   // GEMM reads the checkpoint (or the mapped file) as is, without reordering a copy.
 * </pre>
 * OH = ⌊(H − k)/k⌋ + 1 = ⌊H/k⌋ as PyTorch: trailing rows/columns that do not fill a patch are dropped.
 */
final class PatchConv {
    final int inChannels, outChannels, k;
    private final Operand weight; // [OC, C·k·k] row-major; the GEMM uses its transpose
    private final float[] bias;   // [OC]

    PatchConv(int inChannels, int outChannels, int k, Operand weight, float[] bias) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.k = k;
        this.weight = weight;
        this.bias = bias;
    }

    static int outSize(int in, int k) {
        if (in < k) {
            throw new IllegalArgumentException("input size " + in + " is smaller than the " + k + "x" + k + " patch");
        }
        return (in - k) / k + 1;
    }

    /**
     * x is [B, C, H, W] when {@code channelsFirst} (the image), else [B, H, W, C]; returns
     * [B, OH, OW, OC] channels-last.
     */
    float[] forward(float[] x, int batch, int h, int w, boolean channelsFirst) {
        int c = inChannels, oh = outSize(h, k), ow = outSize(w, k);
        int rows = Nhwc.checkedInt((long) batch * oh * ow, "patch conv output rows");
        int kdim = c * k * k;
        float[] a = new float[Nhwc.checkedInt((long) rows * kdim, "patch conv im2col")];
        // gather, one output row (= one output pixel) per (b, oy, ox); columns in (c, i, j) order
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int dst = ((b * oh + oy) * ow + ox) * kdim;
                    if (channelsFirst) {
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < k; i++) {
                                int src = ((b * c + ch) * h + oy * k + i) * w + ox * k;
                                System.arraycopy(x, src, a, dst + (ch * k + i) * k, k);
                            }
                        }
                    } else {
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int src = ((b * h + oy * k + i) * w + ox * k + j) * c;
                                int col = i * k + j;
                                for (int ch = 0; ch < c; ch++) {
                                    a[dst + ch * k * k + col] = x[src + ch];
                                }
                            }
                        }
                    }
                }
            }
        }
        float[] out = new float[Nhwc.checkedInt((long) rows * outChannels, "patch conv output")];
        Nhwc.gemm().gemm(out, 0, outChannels, Operand.rowMajor(a, 0, kdim), weight.t(), rows, outChannels, kdim,
                false, Epilogue.bias(bias, 0));
        return out;
    }

    /** Scalar definition (direct convolution, NCHW in, NHWC out) for tests. */
    float[] reference(float[] x, int batch, int h, int w, boolean channelsFirst) {
        int c = inChannels, oh = outSize(h, k), ow = outSize(w, k);
        float[] out = new float[batch * oh * ow * outChannels];
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < outChannels; o++) {
                        double s = bias[o];
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < k; i++) {
                                for (int j = 0; j < k; j++) {
                                    int y = oy * k + i, xx = ox * k + j;
                                    float v = channelsFirst ? x[((b * c + ch) * h + y) * w + xx]
                                            : x[((b * h + y) * w + xx) * c + ch];
                                    s += v * weight.get(o, (ch * k + i) * k + j);
                                }
                            }
                        }
                        out[((b * oh + oy) * ow + ox) * outChannels + o] = (float) s;
                    }
                }
            }
        }
        return out;
    }
}
