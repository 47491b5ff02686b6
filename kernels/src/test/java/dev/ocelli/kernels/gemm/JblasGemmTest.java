package dev.ocelli.kernels.gemm;

import dev.ocelli.kernels.KernelInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** jblas backend (row-major mapped onto column-major sgemm) against v0, for every operand form; skipped without natives. */
class JblasGemmTest {

    @BeforeAll
    static void needsNatives() {
        KernelInfo.Backend jb = KernelInfo.backends().stream().filter(b -> b.name().equals("jblas")).findFirst().orElseThrow();
        assumeTrue(jb.available(), "jblas natives not loadable here: " + jb.detail());
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {13, 17, 31}, {100, 207, 64}, {577, 66, 207}};
        for (OperandFormsTest.Form f : OperandFormsTest.Form.values()) {
            for (int[] s : shapes) {
                out.add(Arguments.of(f, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("cases")
    void formMatchesReference(OperandFormsTest.Form form, int m, int n, int k) {
        for (int threads = 1; threads <= 2; threads++) {
            OperandFormsTest.check(form, m, n, k, new JblasGemm(threads), "jblas " + threads + "T");
        }
    }
}
