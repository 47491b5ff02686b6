package dev.ocelli.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.Tensor;
import org.junit.jupiter.api.Test;

class ToleranceTest {

    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;

    @Test
    void passesWithinAbsoluteAndRelativeTolerance() {
        float[] e = {0f, 1f, 1000f, -2f};
        // 0 +- atol, 1 +- (atol + rtol), 1000 +- (atol + 1000 rtol)
        float[] a = {0.9e-3f, 1.0019f, 1000.9f, -2.0029f};
        assertThatCode(() -> Tolerance.assertClose("ok", e, a, 1e-3, 1e-3)).doesNotThrowAnyException();
    }

    @Test
    void failsJustOutsideTheAllowance() {
        float[] e = {1000f};
        float[] a = {1001.01f}; // allowed 1e-3 + 1e-3 * 1000 = 1.001
        assertThatThrownBy(() -> Tolerance.assertClose("x", e, a, 1e-3, 1e-3))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 of 1 elements");
    }

    @Test
    void zeroToleranceMeansExactEquality() {
        assertThatCode(() -> Tolerance.assertClose("eq", new float[] {1.5f, -0f}, new float[] {1.5f, 0f}, 0, 0))
                .doesNotThrowAnyException();
        float next = Math.nextUp(1.5f);
        assertThatThrownBy(() -> Tolerance.assertClose("ulp", new float[] {1.5f}, new float[] {next}, 0, 0))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void nanMustMatchNan() {
        assertThatCode(() -> Tolerance.assertClose("nan", new float[] {NAN, 1}, new float[] {NAN, 1}, 0, 0))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Tolerance.assertClose("nan", new float[] {NAN}, new float[] {0f}, 1e9, 1e9))
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected NaN  actual 0.0");
        assertThatThrownBy(() -> Tolerance.assertClose("nan", new float[] {0f}, new float[] {NAN}, 1e9, 1e9))
                .isInstanceOf(AssertionError.class).hasMessageContaining("actual NaN");
    }

    @Test
    void infinitiesMustMatchExactly() {
        assertThatCode(() -> Tolerance.assertClose("inf", new float[] {INF, -INF}, new float[] {INF, -INF}, 0, 0))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Tolerance.assertClose("inf", new float[] {INF}, new float[] {-INF}, 1e9, 1e9))
                .isInstanceOf(AssertionError.class).hasMessageContaining("max abs err Infinity at [0]");
        assertThatThrownBy(() -> Tolerance.assertClose("inf", new float[] {INF}, new float[] {Float.MAX_VALUE}, 1e9, 1e9))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void messageHasShapeCountsMaximaAndTheWorstFiveWithIndices() {
        long[] shape = {2, 3, 4};
        float[] e = new float[24];
        float[] a = new float[24];
        for (int i = 0; i < 24; i++) {
            e[i] = i;
            a[i] = i;
        }
        // seven bad elements; the worst (largest error relative to its allowance) is flat 23 = [1,2,3]
        int[] bad = {1, 5, 8, 13, 17, 20, 23};
        for (int k = 0; k < bad.length; k++) {
            a[bad[k]] += 0.1f * (k + 1);
        }
        assertThatThrownBy(() -> Tolerance.assertClose("case", e, a, shape, 1e-3, 0))
                .isInstanceOf(AssertionError.class)
                .satisfies(t -> {
                    String m = t.getMessage();
                    assertThat(m).startsWith("case: 7 of 24 elements outside atol=1.000e-03 + rtol=0.000e+00*|expected|, shape [2,3,4]");
                    assertThat(m).contains("max abs err 7.000e-01 at [1,2,3]");
                    assertThat(m).contains("max rel err 1.000e-01 at [0,0,1]"); // 0.1 off an expected 1
                    assertThat(m).contains("worst 5 of 7:");
                    String[] lines = m.split("\n");
                    assertThat(lines).hasSize(3 + 5);
                    assertThat(lines[3]).startsWith("    [1,2,3]  expected 23.0  actual 23.7");
                    assertThat(lines[4]).startsWith("    [1,2,0]  expected 20.0");
                    assertThat(lines[6]).startsWith("    [1,0,1]  expected 13.0");
                    assertThat(lines[7]).startsWith("    [0,2,0]  expected 8.0");
                    assertThat(m).doesNotContain("[0,0,1]  expected"); // the two mildest are not listed
                });
    }

    @Test
    void relativeErrorOfAZeroExpectationIsInfinite() {
        assertThatThrownBy(() -> Tolerance.assertClose("z", new float[] {0f}, new float[] {1e-3f}, 0, 1))
                .hasMessageContaining("max rel err Infinity at [0]");
    }

    @Test
    void sizeAndShapeMismatchesFail() {
        assertThatThrownBy(() -> Tolerance.assertClose("n", new float[2], new float[3], 1, 1))
                .isInstanceOf(AssertionError.class).hasMessageContaining("size mismatch");
        assertThatThrownBy(() -> Tolerance.assertClose("t", Tensor.zeros(2, 3), Tensor.zeros(3, 2), 1, 1))
                .isInstanceOf(AssertionError.class)
                .hasMessage("t: shape mismatch: expected [2,3], actual [3,2]");
    }

    @Test
    void tensorOverloadComparesViewsInLogicalOrder() {
        Tensor e = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor aT = Tensor.of(new float[] {0, 3, 1, 4, 2, 5}, 3, 2).transpose(0, 1); // same values, strided
        assertThatCode(() -> Tolerance.assertClose("view", e, aT, 0, 0)).doesNotThrowAnyException();
        Tensor wrong = Tensor.of(new float[] {0, 1, 2, 3, 4, 6}, 2, 3);
        assertThatThrownBy(() -> Tolerance.assertClose("view", e, wrong, 0.5, 0))
                .hasMessageContaining("[1,2]  expected 5.0  actual 6.0");
    }

    @Test
    void negativeTolerancesAreRejected() {
        assertThatThrownBy(() -> Tolerance.assertClose("neg", new float[1], new float[1], -1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unravelIsCOrder() {
        assertThat(Tolerance.unravel(23, new long[] {2, 3, 4})).containsExactly(1, 2, 3);
        assertThat(Tolerance.unravel(4, new long[] {2, 3, 4})).containsExactly(0, 1, 0);
        assertThat(Tolerance.unravel(0, new long[] {})).isEmpty();
    }
}
