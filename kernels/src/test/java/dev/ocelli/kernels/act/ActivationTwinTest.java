package dev.ocelli.kernels.act;

import dev.ocelli.kernels.testing.Twins;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/** Every vector activation returns the same bits as its scalar twin, for 128/256/512-bit species. */
class ActivationTwinTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int bits : Twins.WIDTHS) {
            for (Activation f : Activation.values()) {
                b.add(Arguments.of(bits, f));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{1} vector-{0}")
    @MethodSource("cases")
    void vectorEqualsScalar(int bits, Activation f) {
        VectorActivations v = VectorActivations.forBits(bits);
        for (int n : Twins.SIZES) {
            float[] in = Twins.gaussian(n * 31L + bits, n + 7, 6f);
            // sprinkle the special values in
            float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
                Float.MIN_VALUE, -Float.MAX_VALUE, 100f, -100f, -12f, 1e-30f};
            for (int i = 0; i < specials.length && 3 + i * 5 < n; i++) {
                in[3 + i * 5] = specials[i];
            }
            float[] want = new float[n + 5];
            float[] got = new float[n + 5];
            ScalarActivations.INSTANCE.apply(f, want, 2, in, 3, n);
            v.apply(f, got, 2, in, 3, n);
            Twins.assertSameBits(f + " n=" + n + " " + v.name(), want, got);
            // in place
            float[] inPlace = Arrays.copyOf(in, in.length);
            v.applyInPlace(f, inPlace, 3, n);
            float[] wantInPlace = Arrays.copyOf(in, in.length);
            ScalarActivations.INSTANCE.applyInPlace(f, wantInPlace, 3, n);
            Twins.assertSameBits(f + " in place n=" + n, wantInPlace, inPlace);
        }
    }

    @ParameterizedTest(name = "exp/erf/gelu vector-{0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {128, 256, 512})
    void mathFunctionsEqualScalar(int bits) {
        VectorSpecies<Float> s = VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(bits));
        float[] xs = MathAccuracyTest.sweep();
        int n = xs.length - xs.length % s.length();
        if (bits != 512) {
            n = Math.min(n, 200_000 - 200_000 % s.length()); // other widths run slowly when mixed in one JVM
        }
        float[] e = new float[n], r = new float[n], g = new float[n];
        for (int i = 0; i < n; i += s.length()) {
            FloatVector x = FloatVector.fromArray(s, xs, i);
            VectorMath.exp(x).intoArray(e, i);
            VectorMath.erf(x).intoArray(r, i);
            VectorMath.gelu(x).intoArray(g, i); // the helper form; the loop in ActivationKernels* is checked above
        }
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(ScalarMath.exp(xs[i]))) {
                throw new AssertionError("exp(" + xs[i] + "): vector " + e[i] + " scalar " + ScalarMath.exp(xs[i]));
            }
            if (Float.floatToIntBits(r[i]) != Float.floatToIntBits(ScalarMath.erf(xs[i]))) {
                throw new AssertionError("erf(" + xs[i] + "): vector " + r[i] + " scalar " + ScalarMath.erf(xs[i]));
            }
            if (Float.floatToIntBits(g[i]) != Float.floatToIntBits(ScalarMath.gelu(xs[i]))) {
                throw new AssertionError("gelu(" + xs[i] + "): vector " + g[i] + " scalar " + ScalarMath.gelu(xs[i]));
            }
        }
    }
}
