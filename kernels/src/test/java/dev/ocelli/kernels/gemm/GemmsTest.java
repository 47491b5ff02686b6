package dev.ocelli.kernels.gemm;

import dev.ocelli.kernels.KernelInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backend selection and the "chosen backend + why" line. */
class GemmsTest {

    @AfterEach
    void restore() {
        Gemms.setBackend("auto");
    }

    @Test
    void autoPicksVectorWhenTheVectorApiIsOn() {
        Gemm g = Gemms.setBackend("auto");
        assertThat(KernelInfo.vectorAvailable()).isTrue();   // surefire runs with --add-modules jdk.incubator.vector
        assertThat(g.name()).isEqualTo("vector");
        assertThat(Gemms.describe()).startsWith("gemm backend: vector (auto: Vector API on, ")
                .contains("-bit 12x");
        assertThat(KernelInfo.gemmBackendLine()).isEqualTo(Gemms.describe());
    }

    @Test
    void explicitBackendsAreHonoured() {
        assertThat(Gemms.setBackend("scalar").name()).isEqualTo("scalar");
        assertThat(Gemms.reason()).contains("requested");
        assertThat(Gemms.setBackend("VECTOR").name()).isEqualTo("vector");
        boolean jblas = KernelInfo.backends().stream().anyMatch(b -> b.name().equals("jblas") && b.available());
        assertThat(Gemms.setBackend("jblas").name()).isEqualTo(jblas ? "jblas" : "vector");
    }

    @Test
    void unknownBackendNamesTheChoices() {
        assertThatThrownBy(() -> Gemms.setBackend("cuda"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cuda").hasMessageContaining("auto|vector|jblas|scalar");
    }

    @Test
    void createMakesTeachingVersionsAndBackends() {
        assertThat(Gemms.create("v0", 1)).isInstanceOf(ScalarGemm.class);
        assertThat(Gemms.create("v3", 1).name()).isEqualTo("v3");
        assertThat(Gemms.create("v5", 2)).isInstanceOf(VectorGemm.class);
    }

    @Test
    void badArgumentsNameTheOperand() {
        float[] c = new float[6];
        assertThatThrownBy(() -> new VectorGemm().gemm(c, 0, 3, Operand.rowMajor(new float[5], 0, 3),
                Operand.rowMajor(new float[9], 0, 3), 2, 3, 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("operand A [2x3]");
        assertThatThrownBy(() -> new VectorGemm().gemm(c, 0, 2, Operand.rowMajor(new float[6], 0, 3),
                Operand.rowMajor(new float[9], 0, 3), 2, 3, 3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("ldc must be >= n");
        assertThatThrownBy(() -> new VectorGemm().gemm(c, 0, 3, Operand.rowMajor(new float[6], 0, 3),
                Operand.rowMajor(new float[9], 0, 3), 2, 3, 3, false, Epilogue.bias(new float[2], 0)))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("bias needs 3");
    }

    @Test
    void emptySumAppliesTheEpilogueToZeroOrC() {
        float[] c = {1, 2, 3, 4};
        new VectorGemm(512, 1).gemm(c, 0, 2, Operand.rowMajor(new float[0], 0, 0), Operand.rowMajor(new float[0], 0, 2),
                2, 2, 0, true, Epilogue.bias(new float[] {10, 20}, 0));
        assertThat(c).containsExactly(11, 22, 13, 24);
        new VectorGemm(512, 1).gemm(c, 0, 2, Operand.rowMajor(new float[0], 0, 0), Operand.rowMajor(new float[0], 0, 2),
                2, 2, 0);
        assertThat(c).containsExactly(0, 0, 0, 0);
    }

    @Test
    void confinedSegmentsRunOnTheCallerOnly() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            int m = 200, n = 300, k = 100;
            float[] a = GemmCheck.random(m * k, 1), b = GemmCheck.random(k * n, 2);
            var seg = arena.allocate(4L * a.length);
            java.lang.foreign.MemorySegment.copy(a, 0, seg, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, a.length);
            float[] got = new float[m * n], want = new float[m * n];
            new VectorGemm(512, 2).gemm(got, 0, n, Operand.rowMajor(seg, 0, k), Operand.rowMajor(b, 0, n), m, n, k);
            new VectorGemm(512, 1).gemm(want, 0, n, Operand.rowMajor(a, 0, k), Operand.rowMajor(b, 0, n), m, n, k);
            assertThat(got).isEqualTo(want);
        }
    }
}
