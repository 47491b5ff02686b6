package dev.ocelli.encoders.convnext;

import dev.ocelli.core.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outputs of a ConvNeXt forward, in PyTorch's [B, C, H, W] layout (permuted views of the
 * channels-last results; {@code contiguous()} makes an NCHW copy when one is needed).
 *
 * @param stem   stem output [B, C0, H/4, W/4]
 * @param stages output of stage S [B, C_S, H/2^(S+2), W/2^(S+2)], S = 0..3
 */
public record ConvNeXtFeatures(Tensor stem, List<Tensor> stages) {

    public ConvNeXtFeatures {
        stages = List.copyOf(stages);
    }

    /** Output of the last stage (LLaVA-HR's Fh, EAGLE's tower output). */
    public Tensor last() {
        return stages.get(stages.size() - 1);
    }

    /** Named as the PyTorch modules: "stem", "stages.0", … (the names {@code ocelli features} writes). */
    public Map<String, Tensor> named() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("stem", stem);
        for (int i = 0; i < stages.size(); i++) {
            m.put("stages." + i, stages.get(i));
        }
        return m;
    }
}
