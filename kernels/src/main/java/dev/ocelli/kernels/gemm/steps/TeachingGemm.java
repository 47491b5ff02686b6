package dev.ocelli.kernels.gemm.steps;

import dev.ocelli.kernels.gemm.Epilogue;
import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Operand;

/**
 * Runs a numbered teaching version behind the {@link Gemm} interface so tests and the benchmark
 * runner can treat it like a backend. Only the plain form: contiguous row-major A, B and C
 * arrays at offset 0, no accumulate, no epilogue.
 */
public final class TeachingGemm implements Gemm {
    private final int version;

    /** @param version 1 to 4 */
    public TeachingGemm(int version) {
        if (version < 1 || version > 4) {
            throw new IllegalArgumentException("teaching GEMM versions are 1..4, got " + version);
        }
        this.version = version;
    }

    @Override
    public String name() {
        return "v" + version;
    }

    @Override
    public void gemm(float[] c, int cOff, int ldc, Operand a, Operand b, int m, int n, int k,
                     boolean accumulate, Epilogue ep) {
        if (cOff != 0 || ldc != n || accumulate || !ep.isIdentity() || !plain(a, k) || !plain(b, n)) {
            throw new IllegalArgumentException(name() + " only runs contiguous row-major C = A·B (offset 0, no epilogue)");
        }
        switch (version) {
            case 1 -> GemmV1IkjVector.multiply(c, a.array(), b.array(), m, n, k);
            case 2 -> GemmV2RegisterTile.multiply(c, a.array(), b.array(), m, n, k);
            case 3 -> GemmV3Packed.multiply(c, a.array(), b.array(), m, n, k);
            default -> GemmV4Blocked.multiply(c, a.array(), b.array(), m, n, k);
        }
    }

    private static boolean plain(Operand x, int cols) {
        return x.array() != null && x.offset() == 0 && x.colStride() == 1 && x.rowStride() == cols;
    }
}
