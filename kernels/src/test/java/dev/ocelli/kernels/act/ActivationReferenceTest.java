package dev.ocelli.kernels.act;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Against testdata/gen/ops_act.py (PyTorch 1.13): x = linspace(-12,12,2001) ++ 4·randn(1000) ++
 * specials (±Inf, NaN, ±0, subnormals, ±100, 88, 89, −87, −104).
 */
class ActivationReferenceTest {

    static Stream<Arguments> impls() {
        return Stream.of(Arguments.of(ScalarActivations.INSTANCE), Arguments.of(VectorActivations.preferred()));
    }

    static float[] run(Activations impl, Activation f, float[] x) {
        float[] y = new float[x.length];
        impl.apply(f, y, 0, x, 0, x.length);
        return y;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void matchesPyTorch(Activations impl) {
        try (ReferenceCase c = ReferenceData.load("ops/act/activations")) {
            float[] x = c.floats("input");
            // PyTorch's own float kernels (its vectorized erf/tanh/exp) differ from the exact value by
            // up to ~1e-6 absolute near 0 crossings; atol covers that, rtol a few float ulps
            Tolerance.assertClose("gelu vs F.gelu " + impl.name(), c.floats("gelu"), run(impl, Activation.GELU, x), 1e-6, 1e-5);
            Tolerance.assertClose("gelu_tanh " + impl.name(), c.floats("gelu_tanh"), run(impl, Activation.GELU_TANH, x), 1e-6, 1e-5);
            Tolerance.assertClose("quick_gelu " + impl.name(), c.floats("quick_gelu"), run(impl, Activation.QUICK_GELU, x), 1e-6, 1e-5);
            Tolerance.assertClose("silu " + impl.name(), c.floats("silu"), run(impl, Activation.SILU, x), 1e-6, 1e-5);
            Tolerance.assertClose("sigmoid " + impl.name(), c.floats("sigmoid"), run(impl, Activation.SIGMOID, x), 1e-6, 1e-5);
            Tolerance.assertClose("tanh " + impl.name(), c.floats("tanh"), run(impl, Activation.TANH, x), 1e-6, 1e-5);
            // against x/2·erfc(−x/√2) in float64 rounded to float32: our exact-erf GELU is within a
            // few ulp everywhere, including the far negative tail (~1e-30) where PyTorch's float GELU is 0
            Tolerance.assertClose("gelu vs exact " + impl.name(), c.floats("gelu_exact"), run(impl, Activation.GELU, x),
                    1e-44, 6e-7);
        }
    }

    @org.junit.jupiter.api.Test
    void expAndErfMatchFloat64() {
        try (ReferenceCase c = ReferenceData.load("ops/act/activations")) {
            float[] x = c.floats("input");
            float[] e = new float[x.length], r = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                e[i] = ScalarMath.exp(x[i]);
                r[i] = ScalarMath.erf(x[i]);
            }
            // exp: 1 ulp (1.2e-7 relative); exp(-100) is subnormal, hence the atol of one subnormal ulp
            Tolerance.assertClose("exp vs float64", c.floats("exp_f64"), e, 1.5e-45, 1.2e-7);
            Tolerance.assertClose("erf vs float64", c.floats("erf_f64"), r, 0, 1.5e-7);
            Tolerance.assertClose("erf vs torch.erf float32", c.floats("erf"), r, 1e-7, 2e-7);
        }
    }
}
