package dev.ocelli.kernels.gemm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operand form and epilogue of the vector GEMM against v0 on plain dense copies, for each
 * vector width and 1 and 2 threads. The logical matrices are built first; each form then stores
 * them differently (transposed, padded, strided, in a native segment, batched), so a wrong stride
 * mapping cannot agree with the reference by accident.
 */
class OperandFormsTest {

    enum Form { AB, A_BT, AT_B, AT_BT, PADDED, COL_STRIDED, SEGMENTS, BATCHED, BATCHED_SHARED_B, ACCUMULATE,
        BIAS, GELU_ERF, GELU_TANH, QUICK_GELU, RESIDUAL, LINEAR_FULL_EPILOGUE }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{13, 17, 31}, {100, 207, 64}, {577, 66, 207}};
        for (Form f : Form.values()) {
            for (int[] s : shapes) {
                for (int bits : VectorGemmTest.BITS) {
                    out.add(Arguments.of(f, s[0], s[1], s[2], bits));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3} {4}-bit")
    @MethodSource("cases")
    void formMatchesReference(Form form, int m, int n, int k, int bits) {
        for (int threads = 1; threads <= 2; threads++) {
            check(form, m, n, k, new VectorGemm(bits, threads), bits + "-bit " + threads + "T");
        }
    }

    /** Runs {@code form} through {@code gemm} and compares with v0 on dense row-major copies. */
    static void check(Form form, int m, int n, int k, Gemm gemm, String label) {
        int batch = form == Form.BATCHED || form == Form.BATCHED_SHARED_B ? 3 : 1;
        float[][] as = new float[batch][], bs = new float[batch][];
        for (int t = 0; t < batch; t++) {
            as[t] = GemmCheck.random(m * k, 100 + t);
            bs[t] = GemmCheck.random(k * n, 200 + (form == Form.BATCHED_SHARED_B ? 0 : t));
        }
        float[] bias = GemmCheck.random(n + 3, 300);
        int ldc = form == Form.PADDED ? n + 4 : n, cOff = form == Form.PADDED ? 3 : 0;
        long cStride = (long) m * ldc + 5;
        float[] c0 = GemmCheck.random((int) (cOff + batch * cStride), 400);   // initial C (accumulate reads it)
        float[] res = GemmCheck.random((int) (cOff + batch * cStride), 500);
        boolean acc = form == Form.ACCUMULATE || form == Form.LINEAR_FULL_EPILOGUE;
        Epilogue ep = switch (form) {
            case BIAS -> Epilogue.bias(bias, 3);
            case GELU_ERF -> Epilogue.of(Activation.GELU_ERF);
            case GELU_TANH -> Epilogue.of(Activation.GELU_TANH);
            case QUICK_GELU -> Epilogue.of(Activation.QUICK_GELU);
            case RESIDUAL -> Epilogue.NONE.residual(res, cOff, ldc);
            case LINEAR_FULL_EPILOGUE -> Epilogue.bias(bias, 1).activation(Activation.GELU_ERF).residual(res, cOff, ldc);
            default -> Epilogue.NONE;
        };

        // reference: v0 per batch on dense row-major copies
        float[] want = c0.clone();
        for (int t = 0; t < batch; t++) {
            Epilogue et = ep.residual() == null ? ep : ep.residual(res, (int) (cOff + t * cStride), ldc);
            new ScalarGemm().gemm(want, (int) (cOff + t * cStride), ldc, Operand.rowMajor(as[t], 0, k),
                    Operand.rowMajor(bs[t], 0, n), m, n, k, acc, et);
        }

        float[] got = c0.clone();
        try (Arena arena = Arena.ofShared()) {   // pool threads read it too
            switch (form) {
                case A_BT -> gemm.gemm(got, cOff, ldc, Operand.rowMajor(as[0], 0, k), Operand.rowMajor(transpose(bs[0], k, n), 0, k).t(), m, n, k, acc, ep);
                case AT_B -> gemm.gemm(got, cOff, ldc, Operand.rowMajor(transpose(as[0], m, k), 0, m).t(), Operand.rowMajor(bs[0], 0, n), m, n, k, acc, ep);
                case AT_BT -> gemm.gemm(got, cOff, ldc, Operand.rowMajor(transpose(as[0], m, k), 0, m).t(),
                        Operand.rowMajor(transpose(bs[0], k, n), 0, k).t(), m, n, k, acc, ep);
                case PADDED -> gemm.gemm(got, cOff, ldc, Operand.rowMajor(pad(as[0], m, k, 5, k + 3), 5, k + 3),
                        Operand.rowMajor(pad(bs[0], k, n, 2, n + 7), 2, n + 7), m, n, k, acc, ep);
                case COL_STRIDED -> gemm.gemm(got, cOff, ldc, colStrided(as[0], m, k), colStrided(bs[0], k, n).t().t(), m, n, k, acc, ep);
                case SEGMENTS -> {
                    MemorySegment sa = arena.allocate(4L * m * k + 12, 64), sb = arena.allocate(4L * k * n, 64);
                    MemorySegment.copy(as[0], 0, sa, ValueLayout.JAVA_FLOAT_UNALIGNED, 12, m * k);
                    float[] bt = transpose(bs[0], k, n);   // a mapped Linear weight [n, k]
                    MemorySegment.copy(bt, 0, sb, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, k * n);
                    gemm.gemm(got, cOff, ldc, Operand.rowMajor(sa, 3, k), Operand.rowMajor(sb, 0, k).t(), m, n, k, acc, ep);
                }
                case BATCHED, BATCHED_SHARED_B -> {
                    float[] ab = new float[batch * (m * k + 1)], bb = new float[batch * k * n];
                    for (int t = 0; t < batch; t++) {
                        System.arraycopy(as[t], 0, ab, t * (m * k + 1), m * k);
                        System.arraycopy(bs[t], 0, bb, t * k * n, k * n);
                    }
                    long bStride = form == Form.BATCHED_SHARED_B ? 0 : (long) k * n;
                    gemm.gemmBatched(batch, got, cOff, ldc, cStride, Operand.rowMajor(ab, 0, k), m * k + 1,
                            Operand.rowMajor(bb, 0, n), bStride, m, n, k, acc, ep);
                }
                default -> gemm.gemm(got, cOff, ldc, Operand.rowMajor(as[0], 0, k), Operand.rowMajor(bs[0], 0, n), m, n, k, acc, ep);
            }
        }
        for (int t = 0; t < batch; t++) {
            GemmCheck.assertClose(form + " " + label + " batch " + t, got, want, (int) (cOff + t * cStride), ldc, m, n, k);
        }
        // elements outside the output view are untouched
        for (int t = 0; t <= batch; t++) {
            for (int i = 0; i < cOff + (t < batch ? 0 : 0); i++) {
                assertThat(got[i]).isEqualTo(c0[i]);
            }
        }
        if (ldc > n) {
            for (int i = 0; i < m; i++) {
                for (int j = n; j < ldc; j++) {
                    int idx = cOff + i * ldc + j;
                    assertThat(got[idx]).as("padding C[%d][%d] untouched", i, j).isEqualTo(c0[idx]);
                }
            }
        }
    }

    static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    static float[] pad(float[] x, int rows, int cols, int off, int ld) {
        float[] p = GemmCheck.random(off + rows * ld, 77);   // garbage in the padding
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, i * cols, p, off + i * ld, cols);
        }
        return p;
    }

    /** The matrix stored at every other column of a (rows, 2·cols+1) buffer, offset 1. */
    static Operand colStrided(float[] x, int rows, int cols) {
        int ld = 2 * cols + 1;
        float[] p = GemmCheck.random(1 + rows * ld, 78);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                p[1 + i * ld + 2 * j] = x[i * cols + j];
            }
        }
        return Operand.strided(p, 1, ld, 2);
    }
}
