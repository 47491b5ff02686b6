package dev.ocelli.fusion.ops;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.F;
import java.util.ArrayList;
import java.util.List;

/**
 * EAGLE's channel concatenation (arXiv 2408.15998; code
 * {@code eagle/model/multimodal_encoder/multi_backbone_channel_concatenation_encoder.py}).
 *
 * <pre>
 *   maps_i [B, C_i, H_i, W_i]  →  interpolate each to G×G (bilinear, align_corners=True; unchanged if already G×G)
 *                              →  concat on channels [B, ΣC_i, G, G]  →  tokens [B, G², ΣC_i]
 * </pre>
 * Token inputs [B, N, C] (square N) are accepted too and viewed as maps first. No weights: the
 * projector after it ({@link Mlp2xGelu}) has them.
 */
public final class ChannelConcat {

    private ChannelConcat() {
    }

    /** Each input [B, C_i, H_i, W_i] or [B, N_i, C_i] → [B, G², ΣC_i]. */
    public static Tensor forward(List<Tensor> inputs, int grid) {
        List<Tensor> maps = new ArrayList<>();
        long b = -1;
        for (int i = 0; i < inputs.size(); i++) {
            Tensor x = inputs.get(i);
            Tensor m = switch (x.rank()) {
                case 4 -> x;
                case 3 -> TokenMaps.toMap(x);
                default -> throw new ShapeException("channel concat: input " + i + " is " + Shapes.str(x.shape())
                        + ", expected [B, C, H, W] or [B, N, C]");
            };
            if (b >= 0 && m.size(0) != b) {
                throw new ShapeException("channel concat: input " + i + " has batch " + m.size(0) + ", not " + b);
            }
            b = m.size(0);
            if (m.size(2) != grid || m.size(3) != grid) {
                m = F.interpolate(m, grid, grid, "bilinear", true, false);
            }
            // channels-last so the concat is along the innermost axis
            maps.add(m.permute(0, 2, 3, 1));
        }
        Tensor cat = Tensor.concat(3, maps);
        return cat.reshape(b, (long) grid * grid, cat.size(3));
    }
}
