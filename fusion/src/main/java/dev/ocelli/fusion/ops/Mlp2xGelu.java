package dev.ocelli.fusion.ops;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.F;
import dev.ocelli.kernels.gemm.Activation;
import java.util.List;

/**
 * LLaVA's {@code mlp2x_gelu} projector, used by LLaVA-HR, Mini-Gemini and EAGLE
 * ({@code llava/model/multimodal_projector/builder.py}: {@code nn.Sequential(Linear, GELU, Linear)}).
 *
 * <pre>
 *   y = Linear_2( GELU_erf( Linear_0(x) ) )      x [..., Cin] → y [..., H]
 *   0.weight [H, Cin]  0.bias [H]  2.weight [H, H]  2.bias [H]      (checkpoint: mm_projector.{0,2}.*)
 * </pre>
 * Immutable, thread-safe.
 */
public final class Mlp2xGelu {

    private final Tensor weight0, bias0, weight2, bias2;
    private final int in, hidden;

    public Mlp2xGelu(Tensor weight0, Tensor bias0, Tensor weight2, Tensor bias2) {
        this.weight0 = weight0;
        this.bias0 = bias0;
        this.weight2 = weight2;
        this.bias2 = bias2;
        this.hidden = (int) weight0.size(0);
        this.in = (int) weight0.size(1);
    }

    /** Reads {@code 0.*} and {@code 2.*} under {@code sd} (e.g. a child at "mm_projector."). */
    public static Mlp2xGelu load(StateDict sd, int in, int hidden) {
        return new Mlp2xGelu(sd.take("0.weight", hidden, in), sd.take("0.bias", hidden),
                sd.take("2.weight", hidden, hidden), sd.take("2.bias", hidden));
    }

    public static void parameters(String prefix, int in, int hidden, List<ParamSpec> out) {
        out.add(new ParamSpec(prefix + "0.weight", new long[] {hidden, in}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(prefix + "0.bias", new long[] {hidden}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(prefix + "2.weight", new long[] {hidden, hidden}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(prefix + "2.bias", new long[] {hidden}, ParamSpec.Init.BIAS));
    }

    /** x [..., Cin] → [..., H]. */
    public Tensor forward(Tensor x) {
        Tensor h = F.linear(x, weight0, bias0, Activation.GELU_ERF, null);
        return F.linear(h, weight2, bias2);
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return hidden;
    }

    /** Multiply-add FLOPs (2 per MAC) for {@code tokens} rows. */
    public double flops(long tokens) {
        return flops(in, hidden, tokens);
    }

    public static double flops(int in, int hidden, long tokens) {
        return 2.0 * tokens * ((double) in * hidden + (double) hidden * hidden);
    }
}
