package dev.ocelli.encoders.vit;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.F;
import java.util.List;

/**
 * SAM's neck, from the last layer's [B, H, W, C] to image embeddings [B, 256, H, W].
 *
 * <pre>
 *   FULL  (HF SamVisionNeck):  conv1 1×1 C→256 (no bias) → layer_norm1 (LN2d) → conv2 3×3 pad 1 (no bias) → layer_norm2
 *   SHORT (EAGLE's ShortSamVisionNeck, NVlabs/EAGLE sam_encoder.py):
 *                              1×1 conv C→256 (no bias) → LayerNorm2d        keys {@code neck.conv1.weight},
 *                                                                              {@code neck.layer_norm1.{weight,bias}} (configurable)
 * </pre>
 * LayerNorm2d is SAM's {@code SamLayerNorm(data_format="channels_first")} with its fixed eps 1e-6
 * (EAGLE's LayerNorm2d uses 1e-6 too).
 */
final class SamNeck {

    static final float EPS = 1e-6f;

    private final VitConfig.Neck kind;
    private final Tensor conv1Weight, layerNorm1Weight, layerNorm1Bias, conv2Weight, layerNorm2Weight, layerNorm2Bias;

    SamNeck(VitConfig cfg, StateDict sd) {
        this.kind = cfg.neck();
        int c = cfg.hiddenSize(), o = cfg.neckChannels();
        if (kind == VitConfig.Neck.FULL) {
            conv1Weight = sd.take("neck.conv1.weight", o, c, 1, 1);
            layerNorm1Weight = Params.small(sd, "neck.layer_norm1.weight", o);
            layerNorm1Bias = Params.small(sd, "neck.layer_norm1.bias", o);
            conv2Weight = sd.take("neck.conv2.weight", o, o, 3, 3);
            layerNorm2Weight = Params.small(sd, "neck.layer_norm2.weight", o);
            layerNorm2Bias = Params.small(sd, "neck.layer_norm2.bias", o);
        } else {
            conv1Weight = sd.take(cfg.shortNeckConv() + ".weight", o, c, 1, 1);
            layerNorm1Weight = Params.small(sd, cfg.shortNeckNorm() + ".weight", o);
            layerNorm1Bias = Params.small(sd, cfg.shortNeckNorm() + ".bias", o);
            conv2Weight = layerNorm2Weight = layerNorm2Bias = null;
        }
    }

    static void parameters(VitConfig cfg, List<ParamSpec> out) {
        int c = cfg.hiddenSize(), o = cfg.neckChannels();
        ParamSpec.Init w = ParamSpec.Init.WEIGHT;
        if (cfg.neck() == VitConfig.Neck.FULL) {
            out.add(new ParamSpec("neck.conv1.weight", new long[] {o, c, 1, 1}, w));
            Params.norm(out, "neck.layer_norm1", o);
            out.add(new ParamSpec("neck.conv2.weight", new long[] {o, o, 3, 3}, w));
            Params.norm(out, "neck.layer_norm2", o);
        } else if (cfg.neck() == VitConfig.Neck.SHORT) {
            out.add(new ParamSpec(cfg.shortNeckConv() + ".weight", new long[] {o, c, 1, 1}, w));
            Params.norm(out, cfg.shortNeckNorm(), o);
        }
    }

    /** x [B, H, W, C] → [B, 256, H, W]. */
    Tensor forward(Tensor x) {
        Tensor nchw = x.permute(0, 3, 1, 2).contiguous();
        Tensor y = F.layerNorm2d(F.conv2d(nchw, conv1Weight, null, 1, 0, 1, 1), layerNorm1Weight, layerNorm1Bias, EPS);
        if (kind == VitConfig.Neck.SHORT) {
            return y;
        }
        return F.layerNorm2d(F.conv2d(y, conv2Weight, null, 1, 1, 1, 1), layerNorm2Weight, layerNorm2Bias, EPS);
    }
}
