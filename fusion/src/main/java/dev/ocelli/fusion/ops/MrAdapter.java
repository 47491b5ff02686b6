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
 * LLaVA-HR's mixture-of-resolution adapter, {@code S2FStitchAlignModuleV2} (Luo et al., arXiv
 * 2403.03003; code {@code llava_hr/model/multimodal_encoder/multipath_encoder_wapper.py}).
 * d = fast (ViT) width, ds = slow (ConvNeXt) width, N = ViT tokens (square), B = batch.
 *
 * <pre>
 *   fast [B, N, d]  slow Fh [B, ds, h, h]
 *   s = slow_proj(GELU(slow_conv(Fh)))           1×1 conv ds→ds, GELU, 1×1 conv ds→d   → tokens [B, h², d]
 *   s = align(s, √N)                             h² &lt; N: bilinear align_corners=True; h² &gt; N: avg_pool2d(h/√N)
 *   f = fast as [B, d, √N, √N]
 *   f = f + fast_proj(GELU(fast_conv(f)))        depthwise 7×7 pad 3 (groups d), GELU, 1×1 conv d→d
 *   g = gate(mean_N(cat[f, s]))                  Linear(2d→d/2), GELU, Linear(d/2→1)   [B, 1]
 *   out = f + s · tanh(g)                        [B, N, d]
 * </pre>
 * <b>code ≠ paper</b>: the gate is one tanh scalar per sample (not per channel) and sees the already
 * updated f; all three adapters (after ViT layers 6, 12, 18) read the same final-stage map Fh. The
 * released init zeroes slow_proj/fast_proj (out = f at init); tests use random non-zero weights.
 *
 * <p>Keys (relative, e.g. under {@code align_stages_latent.0.}): {@code slow_conv.{weight [ds,ds,1,1], bias}},
 * {@code slow_proj.{weight [d,ds,1,1], bias}}, {@code fast_conv.{weight [d,1,7,7], bias}},
 * {@code fast_proj.{weight [d,d,1,1], bias}}, {@code gate.0.{weight [d/2,2d], bias}}, {@code gate.2.{weight [1,d/2], bias}}.
 * The 1×1 convs run as Linears on channels-last tokens (same sums). Immutable, thread-safe.
 */
public final class MrAdapter {

    public static final int KERNEL = 7;

    private final Tensor slowConvWeight, slowConvBias;   // [ds, ds] (view of [ds,ds,1,1]), [ds]
    private final Tensor slowProjWeight, slowProjBias;   // [d, ds], [d]
    private final Tensor fastConvWeight, fastConvBias;   // [d, 1, 7, 7], [d]
    private final Tensor fastProjWeight, fastProjBias;   // [d, d], [d]
    private final Tensor gate0Weight, gate0Bias;         // [d/2, 2d], [d/2]
    private final Tensor gate2Weight, gate2Bias;         // [1, d/2], [1]
    private final int d, ds;

    private MrAdapter(StateDict sd, int d, int ds) {
        this.d = d;
        this.ds = ds;
        slowConvWeight = TokenMaps.conv1x1AsLinear(sd.take("slow_conv.weight", ds, ds, 1, 1));
        slowConvBias = sd.take("slow_conv.bias", ds);
        slowProjWeight = TokenMaps.conv1x1AsLinear(sd.take("slow_proj.weight", d, ds, 1, 1));
        slowProjBias = sd.take("slow_proj.bias", d);
        fastConvWeight = sd.take("fast_conv.weight", d, 1, KERNEL, KERNEL);
        fastConvBias = sd.take("fast_conv.bias", d);
        fastProjWeight = TokenMaps.conv1x1AsLinear(sd.take("fast_proj.weight", d, d, 1, 1));
        fastProjBias = sd.take("fast_proj.bias", d);
        gate0Weight = sd.take("gate.0.weight", d / 2, 2L * d);
        gate0Bias = sd.take("gate.0.bias", d / 2);
        gate2Weight = sd.take("gate.2.weight", 1, d / 2);
        gate2Bias = sd.take("gate.2.bias", 1);
    }

    /** Reads the adapter's keys under {@code sd} (a child such as "align_stages_latent.0."). */
    public static MrAdapter load(StateDict sd, int fastDim, int slowDim) {
        return new MrAdapter(sd, fastDim, slowDim);
    }

    public static void parameters(String p, int d, int ds, List<ParamSpec> out) {
        out.add(new ParamSpec(p + "slow_conv.weight", new long[] {ds, ds, 1, 1}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(p + "slow_conv.bias", new long[] {ds}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(p + "slow_proj.weight", new long[] {d, ds, 1, 1}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(p + "slow_proj.bias", new long[] {d}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(p + "fast_conv.weight", new long[] {d, 1, KERNEL, KERNEL}, ParamSpec.Init.uniform(0f, 0.1f)));
        out.add(new ParamSpec(p + "fast_conv.bias", new long[] {d}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(p + "fast_proj.weight", new long[] {d, d, 1, 1}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(p + "fast_proj.bias", new long[] {d}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(p + "gate.0.weight", new long[] {d / 2, 2L * d}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(p + "gate.0.bias", new long[] {d / 2}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(p + "gate.2.weight", new long[] {1, d / 2}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(p + "gate.2.bias", new long[] {1}, ParamSpec.Init.BIAS));
    }

    /** fast [B, N, d], slow [B, ds, h, h] → [B, N, d]. */
    public Tensor forward(Tensor fast, Tensor slow) {
        long[] fs = fast.shape(), ss = slow.shape();
        if (fs.length != 3 || fs[2] != d || ss.length != 4 || ss[1] != ds || ss[0] != fs[0]) {
            throw new ShapeException("MrAdapter(d=" + d + ", ds=" + ds + ") expects fast [B, N, " + d + "] and slow [B, "
                    + ds + ", h, w], got " + Shapes.str(fs) + " and " + Shapes.str(ss));
        }
        int b = (int) fs[0];
        int n = TokenMaps.side(fs[1], "MrAdapter fast tokens " + Shapes.str(fs));
        // slow path on channels-last tokens: 1×1 convs are Linears over the channel axis
        Tensor sTok = TokenMaps.toTokens(slow);                                   // [B, h·w, ds]
        Tensor s = F.linear(sTok, slowConvWeight, slowConvBias, Activation.GELU_ERF, null);
        s = F.linear(s, slowProjWeight, slowProjBias);                            // [B, h·w, d]
        s = TokenMaps.align(TokenMaps.toMap(s), n);                               // [B, N, d]

        Tensor fMap = TokenMaps.toMap(fast);                                      // [B, d, n, n]
        Tensor conv = F.gelu(F.conv2d(fMap, fastConvWeight, fastConvBias, 1, KERNEL / 2, 1, d));
        Tensor f = F.linear(TokenMaps.toTokens(conv), fastProjWeight, fastProjBias, Activation.NONE,
                fast.contiguous());                                               // f + fast_proj(...)

        Tensor pooled = TokenMaps.meanTokens(Tensor.concat(2, f, s));             // [B, 2d]
        Tensor g = F.linear(pooled, gate0Weight, gate0Bias, Activation.GELU_ERF, null);
        g = F.tanh(F.linear(g, gate2Weight, gate2Bias));                          // [B, 1]
        return f.add(s.mul(g.reshape(b, 1, 1)));
    }

    public int fastDim() {
        return d;
    }

    public int slowDim() {
        return ds;
    }

    /** FLOPs (2 per MAC) for N fast tokens and an h×w slow map. */
    public double flops(long n, long hw) {
        return flops(d, ds, n, hw);
    }

    public static double flops(int d, int ds, long n, long hw) {
        return 2.0 * hw * ((double) ds * ds + (double) ds * d) + 2.0 * n * ((double) d * KERNEL * KERNEL + (double) d * d)
                + 2.0 * (2.0 * d * (d / 2) + d / 2);
    }
}
