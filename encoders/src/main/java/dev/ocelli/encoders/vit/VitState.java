package dev.ocelli.encoders.vit;

import dev.ocelli.core.Shapes;
import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The residual stream between two stages of a {@link VisionTransformer}: what
 * {@link VisionTransformer#embed} returns and {@link VisionTransformer#runLayers} advances, so a
 * fusion operator can read and replace the tokens between layers (LLaVA-HR's MR-Adapter after
 * layers 6, 12 and 18). Immutable.
 *
 * @param hidden       [B, N, C] tokens (CLIP, InternViT; N = (CLS ? 1 : 0) + gridH·gridW) or
 *                     [B, gridH, gridW, C] (SAM)
 * @param hasCls       whether token 0 is the class token
 * @param layersDone   how many encoder layers have run
 * @param hiddenStates hidden_states[0..layersDone] when kept, else empty
 */
public record VitState(Tensor hidden, int gridH, int gridW, boolean hasCls, int layersDone,
                       List<Tensor> hiddenStates, VitOptions options) {

    public VitState {
        hiddenStates = List.copyOf(hiddenStates);
    }

    public int batch() {
        return (int) hidden.size(0);
    }

    /** This state with the tokens replaced (same shape), e.g. by a fusion adapter's output. */
    public VitState withHidden(Tensor replacement) {
        if (!Arrays.equals(replacement.shape(), hidden.shape())) {
            throw new ShapeException("replacement hidden state " + Shapes.str(replacement.shape())
                    + " does not match " + Shapes.str(hidden.shape()));
        }
        List<Tensor> hs = hiddenStates;
        if (!hs.isEmpty()) {
            hs = new ArrayList<>(hs);
            hs.set(hs.size() - 1, replacement);
        }
        return new VitState(replacement, gridH, gridW, hasCls, layersDone, hs, options);
    }

    VitState next(Tensor h) {
        List<Tensor> hs = hiddenStates;
        if (options.keepHiddenStates()) {
            hs = new ArrayList<>(hs);
            hs.add(h);
        }
        return new VitState(h, gridH, gridW, hasCls, layersDone + 1, hs, options);
    }
}
