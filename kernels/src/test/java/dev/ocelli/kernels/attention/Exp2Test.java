package dev.ocelli.kernels.attention;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The private vectorized 2^x of FlashTiles against Math.pow over the range the softmax feeds it. */
class Exp2Test {

    static float exp2(float x) {
        float[] in = new float[16];
        java.util.Arrays.fill(in, x);
        float[] out = new float[16];
        FlashTiles512.exp2(FloatVector.fromArray(FloatVector.SPECIES_512, in, 0)).intoArray(out, 0);
        return out[0];
    }

    @Test
    void withinTwoUlpOnNormalRange() {
        double worst = 0;
        for (int i = 0; i <= 2_000_000; i++) {
            float x = -126f * i / 2_000_000f;
            float want = (float) Math.pow(2, x);
            float got = exp2(x);
            worst = Math.max(worst, Math.abs(got - want) / Math.ulp(want));
        }
        assertThat(worst).isLessThanOrEqualTo(2.0);
    }

    @Test
    void specialValues() {
        assertThat(exp2(0f)).isEqualTo(1f);
        assertThat(exp2(-1f)).isEqualTo(0.5f);
        assertThat(exp2(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(exp2(-200f)).isZero();
        assertThat(exp2(Float.NaN)).isNaN();
        assertThat(exp2(-126f)).isEqualTo(Float.MIN_NORMAL);
    }
}
