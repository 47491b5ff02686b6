package dev.ocelli.kernels.attention;

/**
 * Multi-head scaled-dot-product attention, PyTorch's
 * {@code F.scaled_dot_product_attention(q, k, v, attn_mask=bias, scale=scale)}:
 * <pre>
 *   out[b,h,i,:] = Σ_j softmax_j( scale·q[b,h,i,:]·k[b,h,j,:] + bias[b,h,i,j] ) · v[b,h,j,:]
 * </pre>
 * B = batch, H = heads, i < Nq queries, j < Nk keys/values, d = head dim.
 * q, out are [B, H, Nq, d]; k, v are [B, H, Nk, d]; each is a {@link HeadView} so interleaved
 * layouts ([B, N, H·d], fused qkv) are read and written in place.
 *
 * <p>Implementations: {@link ScalarAttention} (the definition, materialises the scores) and
 * {@link FlashAttention} (tiled online softmax, Vector API, threads).
 */
public interface Attention {

    /**
     * Computes {@code out} (arguments: output first, then inputs, then sizes). {@code out} must
     * not overlap k, v or the bias.
     *
     * @param bias  null, a {@link AttentionBias.Dense} bias/mask, or SAM's {@link AttentionBias.DecomposedRelPos}
     * @param scale multiplies q·k; {@link #defaultScale(int)} is PyTorch's default 1/sqrt(d)
     */
    void forward(HeadView out, HeadView q, HeadView k, HeadView v, AttentionBias bias, float scale, AttentionDims dims);

    /** {@link #forward} with PyTorch's default scale 1/sqrt(d). */
    default void forward(HeadView out, HeadView q, HeadView k, HeadView v, AttentionBias bias, AttentionDims dims) {
        forward(out, q, k, v, bias, defaultScale(dims.headDim()), dims);
    }

    /** PyTorch's default scale, 1/sqrt(d). */
    static float defaultScale(int headDim) {
        return (float) (1.0 / Math.sqrt(headDim));
    }

    /** Validates every view against the sizes; error messages name the view. */
    static void check(HeadView out, HeadView q, HeadView k, HeadView v, AttentionBias bias, AttentionDims s) {
        q.checkFits("q", s.batch(), s.heads(), s.nq(), s.headDim());
        k.checkFits("k", s.batch(), s.heads(), s.nk(), s.headDim());
        v.checkFits("v", s.batch(), s.heads(), s.nk(), s.headDim());
        out.checkFits("out", s.batch(), s.heads(), s.nq(), s.headDim());
        if (bias != null) {
            bias.check(s);
        }
    }
}
