package dev.ocelli.kernels.gemm;

import dev.ocelli.kernels.gemm.steps.TeachingGemm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Each numbered teaching version (v1..v4) against v0, on awkward sizes and a few blocks' worth of K. */
class TeachingVersionsTest {

    static Stream<Arguments> cases() {
        int[][] shapes = {{1, 1, 1}, {3, 5, 2}, {13, 17, 31}, {16, 64, 16}, {17, 33, 100}, {100, 207, 64},
                {207, 31, 577}, {50, 2049, 20}, {33, 40, 1025}};
        List<Arguments> out = new ArrayList<>();
        for (int v = 1; v <= 4; v++) {
            for (int[] s : shapes) {
                out.add(Arguments.of(v, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "v{0} {1}x{2}x{3}")
    @MethodSource("cases")
    void versionMatchesReference(int version, int m, int n, int k) {
        float[] a = GemmCheck.random(m * k, 7), b = GemmCheck.random(k * n, 8);
        float[] want = new float[m * n], got = GemmCheck.random(m * n, 9);   // garbage: versions must overwrite C
        new ScalarGemm().gemm(want, 0, n, Operand.rowMajor(a, 0, k), Operand.rowMajor(b, 0, n), m, n, k);
        new TeachingGemm(version).gemm(got, 0, n, Operand.rowMajor(a, 0, k), Operand.rowMajor(b, 0, n), m, n, k);
        GemmCheck.assertClose("v" + version, got, want, 0, n, m, n, k);
    }
}
