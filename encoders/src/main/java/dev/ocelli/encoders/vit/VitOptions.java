package dev.ocelli.encoders.vit;

/**
 * Per-call choices that the published systems make differently around the same weights.
 *
 * @param dropClsBeforeEncoder LLaVA-HR and EAGLE run CLIP on the patch tokens only (the class
 *                             token and its position are never added); LLaVA keeps it and drops it
 *                             afterwards ({@link VitOutput#patchTokens}).
 * @param posResize            how position embeddings reach a grid other than the trained one
 * @param keepHiddenStates     keep every layer's output ({@code output_hidden_states=True});
 *                             false keeps only the last
 */
public record VitOptions(boolean dropClsBeforeEncoder, PosResize posResize, boolean keepHiddenStates) {

    /**
     * Position-embedding resize to a gh×gw grid (the class position is always kept as is).
     * Both are PyTorch's size-based {@code F.interpolate(mode="bicubic", align_corners=False)}
     * on the [1, C, side, side] table; a square grid of the trained size is used unchanged.
     */
    public enum PosResize {
        /** HF {@code interpolate_pos_encoding} (CLIP) and InternViT's {@code _get_pos_embed}: no antialias. */
        BICUBIC,
        /** LLaVA-HR: {@code antialias=True} (PyTorch's separable AA filter, a = −0.5, also when upsampling). */
        BICUBIC_ANTIALIAS
    }

    public VitOptions {
        if (posResize == null) {
            posResize = PosResize.BICUBIC;
        }
    }

    /** HF defaults: class token kept, bicubic resize without antialias, all hidden states. */
    public static VitOptions defaults() {
        return new VitOptions(false, PosResize.BICUBIC, true);
    }

    /** LLaVA-HR's fast path: CLS dropped before the encoder, antialiased resize. */
    public static VitOptions llavaHr() {
        return new VitOptions(true, PosResize.BICUBIC_ANTIALIAS, true);
    }

    public VitOptions withKeepHiddenStates(boolean keep) {
        return new VitOptions(dropClsBeforeEncoder, posResize, keep);
    }
}
