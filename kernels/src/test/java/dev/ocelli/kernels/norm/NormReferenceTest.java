package dev.ocelli.kernels.norm;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Against testdata/gen/ops_norm.py (PyTorch 1.13). */
class NormReferenceTest {

    static Stream<Arguments> impls() {
        return Stream.of(Arguments.of(ScalarNorms.INSTANCE), Arguments.of(VectorNorms.preferred()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void layerNorm(Norms impl) {
        String[] cases = {"ln_37x1024", "ln_5x207", "ln_3x13_noaffine"};
        for (String name : cases) {
            try (ReferenceCase c = ReferenceData.load("ops/norm/" + name)) {
                float[] x = c.floats("input");
                long[] shape = c.tensor("input").shape();
                int rows = (int) shape[0], dim = (int) shape[1];
                float eps = Float.parseFloat(c.meta("eps"));
                float[] w = c.has("weight") ? c.floats("weight") : null;
                float[] b = c.has("bias") ? c.floats("bias") : null;
                float[] y = new float[x.length];
                impl.layerNorm(y, 0, x, 0, w, 0, b, 0, rows, dim, eps);
                // F.layer_norm = (x - mean)*rstd*w + b; a handful of float roundings apart
                Tolerance.assertClose("layer_norm " + name + " " + impl.name(), c.floats("output"), y, shape, 1e-5, 1e-5);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void layerNorm2d(Norms impl) {
        try (ReferenceCase c = ReferenceData.load("ops/norm/ln2d_2x13x7x9")) {
            float[] x = c.floats("input");
            long[] s = c.tensor("input").shape();
            float[] y = new float[x.length];
            impl.layerNorm2d(y, 0, x, 0, c.floats("weight"), 0, c.floats("bias"), 0, (int) s[0], (int) s[1],
                    (int) (s[2] * s[3]), Float.parseFloat(c.meta("eps")));
            Tolerance.assertClose("layer_norm2d " + impl.name(), c.floats("output"), y, s, 1e-5, 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void softmaxOverEveryDim(Norms impl) {
        try (ReferenceCase c = ReferenceData.load("ops/norm/softmax_3x5x7x11")) {
            float[] x = c.floats("input");
            long[] s = c.tensor("input").shape();
            for (int d = 0; d < 4; d++) {
                int outer = 1, inner = 1;
                for (int i = 0; i < d; i++) {
                    outer *= (int) s[i];
                }
                for (int i = d + 1; i < 4; i++) {
                    inner *= (int) s[i];
                }
                float[] y = new float[x.length];
                impl.softmax(y, 0, x, 0, outer, (int) s[d], inner);
                Tolerance.assertClose("softmax dim=" + d + " " + impl.name(), c.floats("dim" + d), y, s, 1e-7, 1e-5);
            }
            float[] big = c.floats("big");
            float[] y = new float[big.length];
            impl.softmax(y, 0, big, 0, (int) (s[0] * s[1] * s[2]), (int) s[3], 1);
            Tolerance.assertClose("softmax of 50x logits " + impl.name(), c.floats("big_dim3"), y, s, 1e-7, 1e-5);
        }
    }
}
