package dev.ocelli.encoders.convnext;

import dev.ocelli.kernels.gemm.Activation;
import dev.ocelli.kernels.gemm.Epilogue;
import dev.ocelli.kernels.gemm.Operand;

/**
 * One ConvNeXt block, timm {@code ConvNeXtBlock} (Liu et al. 2022, Fig. 4; timm
 * {@code models/convnext.py}), field names = checkpoint keys under {@code stages.S.blocks.M.}:
 *
 * <pre>
 *   t = conv_dw(x)                  depthwise 7×7, pad 3, bias     [B,H,W,C]
 *   t = norm(t)                     LayerNorm over C, eps          [B,H,W,C]
 *   h = GELU(mlp.fc1(t))            Linear C→4C, GELU in the GEMM  [B,H,W,4C]
 *   x = x + gamma · mlp.fc2(h)      Linear 4C→C, layer scale, residual
 * </pre>
 *
 * <p><b>Layout.</b> timm's docstring gives two equivalent forms: (1) everything NCHW with the
 * MLP as 1×1 convs and a channels-first LayerNorm, (2) depthwise conv in NCHW, then permute to
 * NHWC for LayerNorm + Linear + GELU + Linear, and permute back (timm uses (2), slightly faster
 * in PyTorch). Ocelli goes one step further and keeps the whole trunk channels-last
 * ([B,H,W,C], one pixel's channels contiguous): the depthwise kernel vectorizes over channels in
 * NHWC, LayerNorm reduces over a contiguous row, and both Linears are plain GEMMs over
 * [B·H·W, C] rows. No permute happens inside a block or between blocks; the only layout changes
 * are at the API boundary (image in, and the NCHW views of the outputs, which are free
 * {@code permute} views).
 *
 * <p><b>Fusion.</b> GELU runs in fc1's GEMM epilogue on the tile still in L1. The layer scale and
 * residual are one extra pass over the fc2 output of each row chunk while it is in cache
 * ({@code x += gamma·y}); folding gamma into fc2's weight would save that pass but needs a copy of
 * the (memory-mapped) weight and changes rounding. The MLP runs in row chunks so the 4C-wide
 * hidden activation stays a few MB (not 113 MB for stage 0 of ConvNeXt-L at 768²).
 *
 * <p>LLaVA-HR's copy of timm stores {@code gamma} as {@code blocks.M.weight}; {@link ConvNeXtKeys}
 * maps the name. Immutable; {@link #forward} keeps all state in its arguments and locals.
 */
final class ConvNeXtBlock {
    static final int KERNEL = 7, PAD = 3;
    /** Target size, in floats, of one chunk of the hidden activation [rows, 4C] (16 MB). */
    private static final long HIDDEN_CHUNK_FLOATS = 4L << 20;
    /**
     * Chunks are whole multiples of 96 rows, a multiple of every GEMM row tile (8, 12, 16, 24, 32,
     * 48, 96): a chunk ending mid-tile would send every chunk's last rows down the GEMM's slower
     * edge-tile path. Chunking never changes results (K is never split).
     */
    static final int ROW_QUANTUM = 96;

    final int dim;
    private final float[] convDwWeight; // [7, 7, C] (taps for the NHWC kernel; stored [C, 1, 7, 7])
    private final float[] convDwBias;   // [C]
    private final float[] normWeight, normBias; // [C]
    private final Operand fc1Weight;    // [4C, C]
    private final float[] fc1Bias;      // [4C]
    private final Operand fc2Weight;    // [C, 4C]
    private final float[] fc2Bias;      // [C]
    private final float[] gamma;        // [C]
    private final float eps;

    ConvNeXtBlock(int dim, float[] convDwWeightHwc, float[] convDwBias, float[] normWeight, float[] normBias,
                  Operand fc1Weight, float[] fc1Bias, Operand fc2Weight, float[] fc2Bias, float[] gamma, float eps) {
        this.dim = dim;
        this.convDwWeight = convDwWeightHwc;
        this.convDwBias = convDwBias;
        this.normWeight = normWeight;
        this.normBias = normBias;
        this.fc1Weight = fc1Weight;
        this.fc1Bias = fc1Bias;
        this.fc2Weight = fc2Weight;
        this.fc2Bias = fc2Bias;
        this.gamma = gamma;
        this.eps = eps;
    }

    /**
     * The block's temporaries for one [B, H, W, C] size, shared by the blocks of a stage (same
     * size), so a stage allocates them once instead of once per block: at 768² stage 0 that is
     * 48 MB of fresh, zeroed memory per block otherwise. Not thread-safe: one per forward.
     */
    static final class Scratch {
        final float[] t, hid, y;
        final int rows, chunk;

        Scratch(int rows, int c) {
            this.rows = rows;
            t = new float[Nhwc.checkedInt((long) rows * c, "block activation")];
            chunk = chunkRows(rows, 4 * c);
            hid = new float[chunk * 4 * c];
            y = new float[chunk * c];
        }
    }

    /** x [B, H, W, C] is updated in place: x ← x + gamma·mlp(norm(conv_dw(x))); {@code s} sized for B·H·W rows of C. */
    void forward(float[] x, int batch, int h, int w, Scratch s) {
        int c = dim;
        int rows = Nhwc.checkedInt((long) batch * h * w, "block rows");
        if (s.rows != rows || s.t.length != rows * c) {
            throw new IllegalArgumentException("block scratch sized for " + s.rows + " rows, forward has " + rows);
        }
        float[] t = s.t;

        // depthwise 7×7: output rows are independent, split them over the pool
        int rowTasks = Math.min(h, Math.max(1, Nhwc.pool().threads() * 4));
        int perTask = Math.ceilDiv(h, rowTasks);
        Nhwc.pool().run(Math.ceilDiv(h, perTask), task -> Nhwc.DW.conv2dNhwc(t, 0, x, 0, convDwWeight, 0, convDwBias, 0,
                batch, c, h, w, KERNEL, KERNEL, 1, 1, PAD, PAD, 1, 1, task * perTask, Math.min(h, (task + 1) * perTask)));

        Nhwc.layerNorm(t, t, normWeight, normBias, rows, c, eps);

        int hidden = 4 * c;
        int chunk = s.chunk;
        float[] hid = s.hid;
        float[] y = s.y;
        Epilogue fc1Epilogue = Epilogue.bias(fc1Bias, 0).activation(Activation.GELU_ERF);
        Epilogue fc2Epilogue = Epilogue.bias(fc2Bias, 0);
        for (int r0 = 0; r0 < rows; r0 += chunk) {
            int n = Math.min(chunk, rows - r0);
            Nhwc.gemm().gemm(hid, 0, hidden, Operand.rowMajor(t, r0 * c, c), fc1Weight.t(), n, hidden, c,
                    false, fc1Epilogue);
            Nhwc.gemm().gemm(y, 0, c, Operand.rowMajor(hid, 0, hidden), fc2Weight.t(), n, c, hidden,
                    false, fc2Epilogue);
            int base = r0 * c;
            int tasks = Math.ceilDiv(n, 512);
            Nhwc.pool().run(tasks, task -> {
                int a = task * 512, b = Math.min(n, a + 512);
                scaleAdd(x, base, y, gamma, a, b, c);
            });
        }
    }

    /**
     * Rows per MLP chunk: at most {@link #HIDDEN_CHUNK_FLOATS} hidden floats, rounded down to a
     * multiple of {@link #ROW_QUANTUM} so that only the last chunk can end in a partial GEMM row tile.
     */
    static int chunkRows(int rows, int hidden) {
        long fit = Math.max(1, HIDDEN_CHUNK_FLOATS / hidden);
        if (fit >= rows) {
            return rows;
        }
        return (int) Math.max(ROW_QUANTUM, fit / ROW_QUANTUM * ROW_QUANTUM);
    }

    /** x[base + r·C + j] += gamma[j] · y[r·C + j] for rows [r0, r1): PyTorch's {@code x.mul(gamma)} then {@code + shortcut}. */
    private static void scaleAdd(float[] x, int base, float[] y, float[] gamma, int r0, int r1, int c) {
        for (int r = r0; r < r1; r++) {
            int xo = base + r * c, yo = r * c;
            for (int j = 0; j < c; j++) {
                x[xo + j] += gamma[j] * y[yo + j];
            }
        }
    }
}
