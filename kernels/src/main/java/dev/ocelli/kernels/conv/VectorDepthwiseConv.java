package dev.ocelli.kernels.conv;

import jdk.incubator.vector.FloatVector;

/**
 * Vector API depthwise conv2d in channels-last layout.
 *
 * <p><b>Walk-through.</b> In NHWC one pixel's C channels are contiguous, and every channel has its
 * own filter, so a vector of L channels at one pixel times the vector of their weights at one tap
 * is exactly L independent multiply-adds: lanes run over channels, no shuffles. For each output
 * row, the output columns split into
 * <ul>
 *   <li>an interior where every tap of every column is inside the image: blocks of 8 output
 *       columns × one channel vector are computed with 8 accumulators held in registers; each tap
 *       loads its weight vector once and uses it 8 times (register blocking along the width), so
 *       a tap costs 1 weight load + 8 input loads + 8 FMAs;</li>
 *   <li>the border columns (and leftovers), computed one pixel at a time with bounds checks.</li>
 * </ul>
 * Rows outside the image (top/bottom padding) are skipped by clipping the ky range per output
 * row. A channel count that is not a multiple of L finishes with masked loads/stores.
 * Accumulation order is bias, then taps in (ky, kx) order with FMA, as in the scalar twin, so the
 * two agree bit for bit.
 *
 * <p>The NCHW entry point transposes input and weights into per-thread scratch buffers, runs the
 * NHWC kernel and transposes back (no allocation in steady state).
 * Species structure as in {@link dev.ocelli.kernels.act.VectorActivations}: the loops live in the
 * generated per-width classes {@code DepthwiseKernels128/256/512} (template
 * {@code kernels/src/main/templates/DepthwiseKernels.java.in}).
 */
public abstract sealed class VectorDepthwiseConv implements DepthwiseConv {

    public static final VectorDepthwiseConv S128 = new W128();
    public static final VectorDepthwiseConv S256 = new W256();
    public static final VectorDepthwiseConv S512 = new W512();

    public static VectorDepthwiseConv preferred() {
        return forBits(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    public static VectorDepthwiseConv forBits(int bits) {
        return switch (bits) {
            case 128 -> S128;
            case 256 -> S256;
            case 512 -> S512;
            default -> throw new IllegalArgumentException("no float species of " + bits + " bits");
        };
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private VectorDepthwiseConv() {}

    /** Output width block of the interior loop; 8 accumulators + weight + input fit in 16 registers. */
    static final int RB = 8;

    static void conv2dNchw(DepthwiseConv self, float[] out, int outOff, float[] in, int inOff, float[] weight,
                           int wOff, float[] bias, int bOff, int n, int c, int h, int w, int kh, int kw, int sh,
                           int sw, int ph, int pw, int dh, int dw) {
        int oh = DepthwiseConv.outSize("height", h, kh, sh, ph, dh);
        int ow = DepthwiseConv.outSize("width", w, kw, sw, pw, dw);
        DepthwiseConv.checkRange("depthwise input", in, inOff, (long) n * c * h * w);
        DepthwiseConv.checkRange("depthwise weight", weight, wOff, (long) c * kh * kw);
        DepthwiseConv.checkRange("depthwise output", out, outOff, (long) n * c * oh * ow);
        float[][] scratch = SCRATCH.get();
        float[] xs = grow(scratch, 0, n * c * h * w);
        float[] ws = grow(scratch, 1, c * kh * kw);
        float[] ys = grow(scratch, 2, n * c * oh * ow);
        Layouts.nchwToNhwc(xs, 0, in, inOff, n, c, h * w);
        Layouts.depthwiseWeightToHwc(ws, 0, weight, wOff, c, kh, kw);
        self.conv2dNhwc(ys, 0, xs, 0, ws, 0, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, 0, oh);
        Layouts.nhwcToNchw(out, outOff, ys, 0, n, c, oh * ow);
    }

    private static float[] grow(float[][] scratch, int i, int size) {
        if (scratch[i].length < size) {
            scratch[i] = new float[size];
        }
        return scratch[i];
    }

    private static final class W128 extends VectorDepthwiseConv {
        @Override
        public void conv2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                           int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                           int dh, int dw) {
            conv2dNchw(this, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        }

        @Override
        public void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                               int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw, int rowStart, int rowEnd) {
            DepthwiseKernels128.conv2dNhwc(out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw,
                    rowStart, rowEnd);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorDepthwiseConv {
        @Override
        public void conv2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                           int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                           int dh, int dw) {
            conv2dNchw(this, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        }

        @Override
        public void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                               int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw, int rowStart, int rowEnd) {
            DepthwiseKernels256.conv2dNhwc(out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw,
                    rowStart, rowEnd);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorDepthwiseConv {
        @Override
        public void conv2d(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                           int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                           int dh, int dw) {
            conv2dNchw(this, out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        }

        @Override
        public void conv2dNhwc(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                               int bOff, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw, int rowStart, int rowEnd) {
            DepthwiseKernels512.conv2dNhwc(out, outOff, in, inOff, weight, wOff, bias, bOff, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw,
                    rowStart, rowEnd);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
