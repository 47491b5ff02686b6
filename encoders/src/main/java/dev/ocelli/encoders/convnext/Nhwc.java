package dev.ocelli.encoders.convnext;

import dev.ocelli.core.DType;
import dev.ocelli.core.Storage;
import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.KernelInfo;
import dev.ocelli.kernels.conv.DepthwiseConv;
import dev.ocelli.kernels.conv.ScalarDepthwiseConv;
import dev.ocelli.kernels.conv.VectorDepthwiseConv;
import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.norm.Norms;
import dev.ocelli.kernels.norm.ScalarNorms;
import dev.ocelli.kernels.norm.VectorNorms;
import dev.ocelli.kernels.parallel.WorkerPool;

/**
 * The channels-last plumbing the ConvNeXt classes share: which kernels run (Vector API when it is
 * on, the scalar twins otherwise), row-parallel LayerNorm, and turning checkpoint tensors into
 * kernel operands without copying the big matrices.
 *
 * <p>Letters: B batch, H/W grid, C channels, P = B·H·W pixels ("rows": one row is one pixel's C
 * channels, contiguous, which is what makes LayerNorm and the Linears permute-free).
 */
final class Nhwc {
    private Nhwc() {}

    static final boolean VECTOR = KernelInfo.vectorAvailable();
    static final DepthwiseConv DW = VECTOR ? VectorDepthwiseConv.preferred() : ScalarDepthwiseConv.INSTANCE;
    static final Norms NORMS = VECTOR ? VectorNorms.preferred() : ScalarNorms.INSTANCE;

    static Gemm gemm() {
        return Gemms.get();
    }

    static WorkerPool pool() {
        return WorkerPool.shared();
    }

    /** Rows per parallel task of the cheap per-pixel passes (LN, residual): big enough to amortize a hand-off. */
    private static final int ROWS_PER_TASK = 256;

    /** LayerNorm over C of x [P, C] (NHWC), rows split over the pool; {@code out} may be {@code x}. */
    static void layerNorm(float[] out, float[] x, float[] w, float[] b, int rows, int c, float eps) {
        int tasks = Math.ceilDiv(rows, ROWS_PER_TASK);
        if (tasks <= 1) {
            NORMS.layerNorm(out, 0, x, 0, w, 0, b, 0, rows, c, eps);
            return;
        }
        pool().run(tasks, t -> {
            int r0 = t * ROWS_PER_TASK, n = Math.min(ROWS_PER_TASK, rows - r0);
            NORMS.layerNorm(out, r0 * c, x, r0 * c, w, 0, b, 0, n, c, eps);
        });
    }

    /** Small parameter (bias, LN affine, gamma, depthwise taps) as a fresh float[]. */
    static float[] vector(Tensor t) {
        return t.toFloatArray();
    }

    /**
     * A checkpoint matrix stored row-major as [rows, cols] (PyTorch's [out, in], or a conv weight
     * [out, in, k, k] read as [out, in·k·k]) as a GEMM operand. F32 tensors stay where they are
     * (heap array or the memory-mapped file); anything else is widened to F32 once.
     */
    static Operand matrix(Tensor t, int rows, int cols) {
        if (t.numel() != (long) rows * cols) {
            throw new IllegalArgumentException("weight of shape " + java.util.Arrays.toString(t.shape())
                    + " is not a [" + rows + ", " + cols + "] matrix");
        }
        Tensor d = t.dtype() == DType.F32 ? t.contiguous() : t.to(DType.F32).contiguous();
        Storage s = d.storage();
        if (s instanceof Storage.Floats) {
            return Operand.rowMajor(s.floatArray(), Math.toIntExact(d.offset()), cols);
        }
        return Operand.rowMajor(s.segment(), d.offset(), cols);
    }

    /** The dense F32 values of an activation tensor in C order: its own array when it already is one. */
    static float[] dense(Tensor t) {
        if (t.dtype() == DType.F32 && t.isContiguous() && t.offset() == 0 && t.storage() instanceof Storage.Floats f
                && f.floatArray().length == t.numel()) {
            return f.floatArray();
        }
        return t.toFloatArray();
    }

    static int checkedInt(long v, String what) {
        if (v > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " has " + v + " elements, more than one Java array holds;"
                    + " run a smaller batch or image");
        }
        return (int) v;
    }
}
