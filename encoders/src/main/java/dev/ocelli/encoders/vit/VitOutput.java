package dev.ocelli.encoders.vit;

import dev.ocelli.core.Tensor;
import java.util.List;

/**
 * What a forward returns, named as HF's model outputs.
 *
 * @param hiddenStates    hidden_states[0..L] when kept (0 = embedding output, after pre_layrnorm
 *                        for CLIP), [B, N, C] or [B, H, W, C] for SAM; else just the last
 * @param lastHiddenState the last layer's output
 * @param pooledOutput    CLIP: post_layernorm of the CLS token [B, C]; null otherwise or without CLS
 * @param imageEmbeddings SAM: the neck's output [B, 256, H, W]; null otherwise or without a neck
 */
public record VitOutput(List<Tensor> hiddenStates, Tensor lastHiddenState, Tensor pooledOutput,
                        Tensor imageEmbeddings, int gridH, int gridW, boolean hasCls) {

    public VitOutput {
        hiddenStates = List.copyOf(hiddenStates);
    }

    /**
     * LLaVA's {@code hidden_states[select_layer]}: −1 is the last layer, −2 the one before
     * (layer 23 of 24); 0..L index directly.
     */
    public Tensor hiddenState(int selectLayer) {
        int n = hiddenStates.size();
        int i = selectLayer < 0 ? n + selectLayer : selectLayer;
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("select_layer " + selectLayer + " outside the " + n
                    + " kept hidden states (run with keepHiddenStates to keep them all)");
        }
        return hiddenStates.get(i);
    }

    /** LLaVA's {@code select_feature='patch'}: the selected layer without its CLS token. */
    public Tensor patchTokens(int selectLayer) {
        Tensor h = hiddenState(selectLayer);
        return hasCls ? h.narrow(1, 1, h.size(1) - 1) : h;
    }
}
