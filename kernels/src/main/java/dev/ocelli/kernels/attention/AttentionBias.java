package dev.ocelli.kernels.attention;

/**
 * An additive term on the attention scores, before the softmax:
 * {@code scores[b,h,i,j] = scale·q[b,h,i]·k[b,h,j] + bias[b,h,i,j]}.
 *
 * <p>A mask is a bias whose masked entries are {@code -Infinity} (PyTorch turns a boolean
 * {@code attn_mask} into exactly that; {@link #maskToBias} does the same). A query row whose every
 * key is masked comes out as NaN, as PyTorch's {@code softmax} of an all {@code -inf} row does.
 */
public sealed interface AttentionBias {

    /**
     * A dense bias [B or 1, H or 1, Nq or 1, Nk] (broadcast dims have stride 0 in the view),
     * last dim contiguous.
     */
    record Dense(HeadView view) implements AttentionBias {
        public Dense {
            if (view == null) {
                throw new IllegalArgumentException("dense bias view is null");
            }
        }
    }

    /**
     * SAM's decomposed relative position bias ({@code add_decomposed_rel_pos} in segment-anything
     * {@code image_encoder.py}): queries lie on a qh×qw grid and keys on a kh×kw grid, key index
     * {@code j = jh·kw + jw}, and
     * <pre>  bias[b,h,i,j] = relH[b,h,i,jh] + relW[b,h,i,jw]</pre>
     * where relH is [B, H, Nq, kh] and relW is [B, H, Nq, kw]. The kernel adds it one tile at a
     * time; Nq×Nk is never materialised. relH/relW are computed by the caller from the unscaled q
     * and the {@code rel_pos_h/rel_pos_w} tables (an Nq×(kh+kw)×d product, small beside attention).
     */
    record DecomposedRelPos(HeadView relH, HeadView relW, int kh, int kw) implements AttentionBias {
        public DecomposedRelPos {
            if (relH == null || relW == null) {
                throw new IllegalArgumentException("decomposed rel-pos relH/relW is null");
            }
            if (kh < 1 || kw < 1) {
                throw new IllegalArgumentException("decomposed rel-pos key grid must be >= 1x1, got " + kh + "x" + kw);
            }
        }
    }

    static AttentionBias dense(HeadView view) {
        return new Dense(view);
    }

    static AttentionBias decomposedRelPos(HeadView relH, HeadView relW, int kh, int kw) {
        return new DecomposedRelPos(relH, relW, kh, kw);
    }

    /** PyTorch's boolean attn_mask convention: true = may attend (0), false = masked (-inf). */
    static float[] maskToBias(boolean[] attend) {
        float[] bias = new float[attend.length];
        for (int i = 0; i < attend.length; i++) {
            bias[i] = attend[i] ? 0f : Float.NEGATIVE_INFINITY;
        }
        return bias;
    }

    /** Checks this bias against the call's sizes; throws naming the offending view. */
    default void check(AttentionDims s) {
        switch (this) {
            case Dense d -> d.view().checkFits("bias", s.batch(), s.heads(), s.nq(), s.nk());
            case DecomposedRelPos r -> {
                if ((long) r.kh() * r.kw() != s.nk()) {
                    throw new IllegalArgumentException("decomposed rel-pos key grid " + r.kh() + "x" + r.kw()
                            + " does not match Nk=" + s.nk() + " of " + s);
                }
                r.relH().checkFits("rel_h", s.batch(), s.heads(), s.nq(), r.kh());
                r.relW().checkFits("rel_w", s.batch(), s.heads(), s.nq(), r.kw());
            }
        }
    }
}
