package dev.ocelli.fusion.ops;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.F;
import dev.ocelli.kernels.gemm.Activation;
import java.util.List;

/**
 * LLaVA-HR's final merge, {@code MultiPathAlignModule} (code
 * {@code llava_hr/model/multimodal_encoder/multipath_encoder_wapper.py}), after the last ViT layer.
 *
 * <pre>
 *   fast [B, N, d], slow Fh [B, ds, h, h]
 *   s = align(tokens(Fh), √N)                  fewer: bilinear align_corners=True; more: avg_pool2d   [B, N, ds]
 *   out = fast_proj(fast) + slow_proj(s)       Linear d→d, Linear ds→d                                [B, N, d]
 * </pre>
 * Keys (under {@code align_stages.0.}): {@code fast_proj.{weight [d,d], bias}}, {@code slow_proj.{weight [d,ds], bias}}.
 */
public final class MultiPathAlign {

    private final Tensor fastProjWeight, fastProjBias, slowProjWeight, slowProjBias;
    private final int d, ds;

    private MultiPathAlign(StateDict sd, int d, int ds) {
        this.d = d;
        this.ds = ds;
        fastProjWeight = sd.take("fast_proj.weight", d, d);
        fastProjBias = sd.take("fast_proj.bias", d);
        slowProjWeight = sd.take("slow_proj.weight", d, ds);
        slowProjBias = sd.take("slow_proj.bias", d);
    }

    public static MultiPathAlign load(StateDict sd, int fastDim, int slowDim) {
        return new MultiPathAlign(sd, fastDim, slowDim);
    }

    public static void parameters(String p, int d, int ds, List<ParamSpec> out) {
        out.add(new ParamSpec(p + "fast_proj.weight", new long[] {d, d}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(p + "fast_proj.bias", new long[] {d}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(p + "slow_proj.weight", new long[] {d, ds}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(p + "slow_proj.bias", new long[] {d}, ParamSpec.Init.BIAS));
    }

    /** fast [B, N, d], slow [B, ds, h, h] → [B, N, d]. */
    public Tensor forward(Tensor fast, Tensor slow) {
        long[] fs = fast.shape(), ss = slow.shape();
        if (fs.length != 3 || fs[2] != d || ss.length != 4 || ss[1] != ds || ss[0] != fs[0]) {
            throw new ShapeException("MultiPathAlign(d=" + d + ", ds=" + ds + ") expects fast [B, N, " + d
                    + "] and slow [B, " + ds + ", h, w], got " + Shapes.str(fs) + " and " + Shapes.str(ss));
        }
        int n = TokenMaps.side(fs[1], "MultiPathAlign fast tokens " + Shapes.str(fs));
        Tensor s = TokenMaps.align(slow, n);
        Tensor sp = F.linear(s, slowProjWeight, slowProjBias);
        return F.linear(fast, fastProjWeight, fastProjBias, Activation.NONE, sp);
    }

    public double flops(long n) {
        return flops(d, ds, n);
    }

    public static double flops(int d, int ds, long n) {
        return 2.0 * n * ((double) d * d + (double) d * ds);
    }
}
