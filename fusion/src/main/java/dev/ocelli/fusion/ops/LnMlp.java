package dev.ocelli.fusion.ops;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.F;
import dev.ocelli.kernels.gemm.Activation;
import java.util.List;

/**
 * InternVL's {@code mlp1} projector, also LEO's {@code mlp1}/{@code mlp2}
 * (InternVL {@code modeling_internvl_chat.py}; LEO {@code modeling_leo_chat.py}):
 * {@code nn.Sequential(LayerNorm(Cin), Linear(Cin, H), GELU(), Linear(H, H))}.
 *
 * <pre>
 *   y = Linear_3( GELU_erf( Linear_1( LN_0(x) ) ) )      x [..., Cin] → y [..., H]
 *   0.weight/0.bias [Cin] (LayerNorm, eps 1e-5: nn.LayerNorm's default)
 *   1.weight [H, Cin]  1.bias [H]   3.weight [H, H]  3.bias [H]
 * </pre>
 * Immutable, thread-safe.
 */
public final class LnMlp {

    /** nn.LayerNorm's default; InternVL builds mlp1 without an eps argument. */
    public static final float EPS = 1e-5f;

    private final Tensor weight0, bias0, weight1, bias1, weight3, bias3;
    private final int in, hidden;

    public LnMlp(Tensor weight0, Tensor bias0, Tensor weight1, Tensor bias1, Tensor weight3, Tensor bias3) {
        this.weight0 = weight0;
        this.bias0 = bias0;
        this.weight1 = weight1;
        this.bias1 = bias1;
        this.weight3 = weight3;
        this.bias3 = bias3;
        this.hidden = (int) weight1.size(0);
        this.in = (int) weight1.size(1);
    }

    /** Reads {@code 0.*}, {@code 1.*}, {@code 3.*} under {@code sd} (e.g. a child at "mlp1."). */
    public static LnMlp load(StateDict sd, int in, int hidden) {
        return new LnMlp(sd.take("0.weight", in), sd.take("0.bias", in), sd.take("1.weight", hidden, in),
                sd.take("1.bias", hidden), sd.take("3.weight", hidden, hidden), sd.take("3.bias", hidden));
    }

    public static void parameters(String prefix, int in, int hidden, List<ParamSpec> out) {
        out.add(new ParamSpec(prefix + "0.weight", new long[] {in}, ParamSpec.Init.NORM_WEIGHT));
        out.add(new ParamSpec(prefix + "0.bias", new long[] {in}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(prefix + "1.weight", new long[] {hidden, in}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(prefix + "1.bias", new long[] {hidden}, ParamSpec.Init.BIAS));
        out.add(new ParamSpec(prefix + "3.weight", new long[] {hidden, hidden}, ParamSpec.Init.WEIGHT));
        out.add(new ParamSpec(prefix + "3.bias", new long[] {hidden}, ParamSpec.Init.BIAS));
    }

    /** x [..., Cin] → [..., H]. */
    public Tensor forward(Tensor x) {
        Tensor n = F.layerNorm(x, weight0, bias0, EPS);
        Tensor h = F.linear(n, weight1, bias1, Activation.GELU_ERF, null);
        return F.linear(h, weight3, bias3);
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return hidden;
    }

    public double flops(long tokens) {
        return Mlp2xGelu.flops(in, hidden, tokens);
    }
}
