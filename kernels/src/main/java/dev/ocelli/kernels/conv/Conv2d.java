package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.KernelInfo;
import dev.ocelli.kernels.gemm.Epilogue;
import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.gemm.Operand;

/**
 * {@code F.conv2d} in NCHW on the GEMM, routed by case.
 *
 * <p>Letters as in {@link ScalarConv2d}; K = (C/G)·KH·KW is the GEMM's summed dimension and
 * P = OH·OW the output pixels. Per image n and group g the convolution is one GEMM
 * <pre>
 *   out[n][g·OC/G .. , P] = W_g[OC/G, K] · col[K, P]      col[(ci,ky,kx), (oy,ox)] = x[n, g·C/G+ci, iy, ix]
 * </pre>
 * with the weight read in place (a mapped F32 checkpoint is never copied) and the output written
 * straight into its NCHW place. The bias is written into the output first and the GEMM
 * accumulates onto it, since the GEMM epilogue's bias runs along columns and ours runs along rows.
 *
 * <p>Routes: depthwise (G = C = OC) goes to {@link DepthwiseConv}; everything else builds the
 * im2col matrix in per-thread scratch (reused, no steady-state allocation) and calls the GEMM.
 */
public final class Conv2d {
    private Conv2d() {}

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * out [N, OC, OH, OW] at outOff = conv2d(x [N, C, H, W] at xOff, weight, bias [OC] or null).
     * {@code weight} views the PyTorch weight [OC, C/G, KH, KW] as a row-major [OC, K] matrix
     * (K = (C/G)·KH·KW), e.g. {@code Operand.rowMajor(w, 0, K)} or a mapped segment.
     */
    public static void conv2d(float[] out, int outOff, float[] x, int xOff, Operand weight, float[] bias, int bOff,
                              ConvShape s) {
        int oh = s.oh(), ow = s.ow(), p = oh * ow;
        int cg = s.cg(), ocg = s.ocg(), k = cg * s.kh() * s.kw();
        DepthwiseConv.checkRange("conv2d input", x, xOff, (long) s.n() * s.c() * s.h() * s.w());
        DepthwiseConv.checkRange("conv2d output", out, outOff, (long) s.n() * s.oc() * p);
        if (bias != null) {
            DepthwiseConv.checkRange("conv2d bias", bias, bOff, s.oc());
        }
        if (s.groups() == s.c() && s.oc() == s.c() && s.groups() > 1) {
            depthwise(out, outOff, x, xOff, weight, bias, bOff, s);
            return;
        }
        Gemm gemm = Gemms.get();
        float[] col = scratch(0, (long) k * p);
        for (int b = 0; b < s.n(); b++) {
            for (int g = 0; g < s.groups(); g++) {
                int cOff = outOff + (b * s.oc() + g * ocg) * p;
                fillBias(out, cOff, p, bias, bOff + g * ocg, ocg);
                im2col(col, x, xOff + (b * s.c() + g * cg) * s.h() * s.w(), cg, s, oh, ow);
                gemm.gemm(out, cOff, p, weight.shift((long) g * ocg * weight.rowStride()),
                        Operand.rowMajor(col, 0, p), ocg, p, k, bias != null, Epilogue.NONE);
            }
        }
    }

    /** Rows [0, rows) of out (each P long) set to bias[bOff + r]; nothing when bias is null. */
    static void fillBias(float[] out, int off, int p, float[] bias, int bOff, int rows) {
        if (bias == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(out, off + r * p, off + (r + 1) * p, bias[bOff + r]);
        }
    }

    /** col [cg·KH·KW, OH·OW] from the cg channel planes of one image starting at xOff; padding taps are 0. */
    static void im2col(float[] col, float[] x, int xOff, int cg, ConvShape s, int oh, int ow) {
        int h = s.h(), w = s.w(), p = oh * ow;
        int row = 0;
        for (int ci = 0; ci < cg; ci++) {
            int plane = xOff + ci * h * w;
            for (int ky = 0; ky < s.kh(); ky++) {
                for (int kx = 0; kx < s.kw(); kx++, row++) {
                    int dst = row * p;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * s.sh() - s.ph() + ky * s.dh();
                        int d = dst + oy * ow;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(col, d, d + ow, 0f);
                            continue;
                        }
                        int src = plane + iy * w;
                        int ix0 = -s.pw() + kx * s.dw();
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ix0 + ox * s.sw();
                            col[d + ox] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    private static void depthwise(float[] out, int outOff, float[] x, int xOff, Operand weight, float[] bias, int bOff,
                                  ConvShape s) {
        int kk = s.kh() * s.kw();
        float[] wf;
        int wOff;
        if (weight.array() != null && weight.colStride() == 1 && weight.rowStride() == kk) {
            wf = weight.array();
            wOff = (int) weight.offset();
        } else { // a mapped or strided [C, KH·KW] weight: C·KH·KW floats, small beside the activations
            wf = new float[s.c() * kk];
            for (int ch = 0; ch < s.c(); ch++) {
                for (int t = 0; t < kk; t++) {
                    wf[ch * kk + t] = weight.get(ch, t);
                }
            }
            wOff = 0;
        }
        DepthwiseConv dw = KernelInfo.vectorAvailable() ? VectorDw.preferred() : ScalarDepthwiseConv.INSTANCE;
        dw.conv2d(out, outOff, x, xOff, wf, wOff, bias, bOff, s.n(), s.c(), s.h(), s.w(), s.kh(), s.kw(),
                s.sh(), s.sw(), s.ph(), s.pw(), s.dh(), s.dw());
    }

    private static float[] scratch(int i, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("conv2d: im2col buffer of " + size + " floats is too large");
        }
        float[][] sc = SCRATCH.get();
        if (sc[i].length < size) {
            sc[i] = new float[(int) size];
        }
        return sc[i];
    }

    /** Keeps Vector API classes out of this class's linkage so it loads without the incubator module. */
    private static final class VectorDw {
        static DepthwiseConv preferred() {
            return VectorDepthwiseConv.preferred();
        }
    }
}
