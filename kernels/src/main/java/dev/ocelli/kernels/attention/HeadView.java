package dev.ocelli.kernels.attention;

/**
 * A strided view of a [B, H, N, X] float tensor inside a flat array, as attention reads q, k, v,
 * the output and the bias terms. Strides count elements, not bytes; the last dim is contiguous.
 *
 * <p>Element (b, h, n, x) lives at {@code data[offset + b·batchStride + h·headStride + n·rowStride + x]}.
 * A stride of 0 broadcasts that dim (a bias shared by every head has {@code headStride = 0}; a
 * key-padding mask shared by every query has {@code rowStride = 0}).
 *
 * <p>The factories cover the layouts the encoders produce, so no transpose copy is needed:
 * <ul>
 *   <li>{@link #contiguous}: [B, H, N, d], what PyTorch's SDPA takes;</li>
 *   <li>{@link #tokenMajor}: [B, N, H·d], the output of HF CLIP's separate {@code q_proj/k_proj/v_proj}
 *       and the layout the output projection wants;</li>
 *   <li>{@link #fusedQkv}: [B, N, 3, H, d], the output of a fused {@code qkv} Linear
 *       (InternViT {@code attn.qkv}, SAM {@code attn.qkv}), read in place.</li>
 * </ul>
 */
public record HeadView(float[] data, int offset, int batchStride, int headStride, int rowStride) {

    public HeadView {
        if (data == null) {
            throw new IllegalArgumentException("HeadView data is null");
        }
        if (offset < 0 || batchStride < 0 || headStride < 0 || rowStride < 0) {
            throw new IllegalArgumentException("HeadView offset/strides must be >= 0, got offset=" + offset
                    + " strides=(" + batchStride + ", " + headStride + ", " + rowStride + ")");
        }
    }

    /** [B, H, N, d] contiguous, starting at {@code offset}. */
    public static HeadView contiguous(float[] data, int offset, int heads, int n, int d) {
        return new HeadView(data, offset, heads * n * d, n * d, d);
    }

    /** [B, N, H·d] contiguous: head h of token n is the slice {@code [h·d, (h+1)·d)} of row n. */
    public static HeadView tokenMajor(float[] data, int offset, int heads, int n, int d) {
        return new HeadView(data, offset, n * heads * d, d, heads * d);
    }

    /**
     * One of q (part 0), k (1), v (2) inside a fused qkv projection output [B, N, 3·H·d],
     * i.e. PyTorch's {@code qkv.reshape(B, N, 3, H, d)}.
     */
    public static HeadView fusedQkv(float[] data, int offset, int heads, int n, int d, int part) {
        if (part < 0 || part > 2) {
            throw new IllegalArgumentException("fusedQkv part must be 0 (q), 1 (k) or 2 (v), got " + part);
        }
        int hd = heads * d;
        return new HeadView(data, offset + part * hd, n * 3 * hd, d, 3 * hd);
    }

    /** Index of element (b, h, n, 0). */
    int base(int b, int h, int n) {
        return offset + b * batchStride + h * headStride + n * rowStride;
    }

    /** Throws, naming {@code what} and the shape, unless all of [B, H, N, X] lies inside {@code data}. */
    void checkFits(String what, int b, int h, int n, int x) {
        long last = (long) offset + (long) (b - 1) * batchStride + (long) (h - 1) * headStride
                + (long) (n - 1) * rowStride + (x - 1);
        if (last >= data.length) {
            throw new IllegalArgumentException(what + " view [" + b + ", " + h + ", " + n + ", " + x + "] with offset "
                    + offset + " and strides (" + batchStride + ", " + headStride + ", " + rowStride
                    + ", 1) needs index " + last + " but its array has length " + data.length);
        }
    }
}
