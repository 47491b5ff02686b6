package dev.ocelli.kernels.gemm;

/**
 * Single-precision matrix multiply, row-major output: the one operation Linear, 1×1 and patchify
 * convolutions (im2col), k×k convolutions and attention's Q·Kᵀ and P·V all run on.
 *
 * <p>Dimension letters: M = output rows, N = output columns, K = the summed dimension.
 * <pre>
 *   C[i][j] = act( (accumulate ? C[i][j] : 0) + Σ_p A[i][p]·B[p][j] + bias[j] ) + residual[i][j]
 *   // C is (M, N) row-major: c[cOff + i*ldc + j];  A is (M, K), B is (K, N), any strides ({@link Operand})
 * </pre>
 * PyTorch: {@code torch.addmm} / {@code F.linear(x, W, b)} is
 * {@code gemm(y, 0, out, Operand.rowMajor(x, 0, in), Operand.rowMajor(W, 0, in).t(), rows, out, in, false, Epilogue.bias(b, 0))}.
 *
 * <p>Implementations: {@link ScalarGemm} (v0, the definition), {@link VectorGemm} (Vector API,
 * BLIS-style), {@link JblasGemm}. {@link Gemms} picks one.
 * Every implementation is deterministic: each output element is summed in an order that does
 * not depend on the thread count.
 */
public interface Gemm {

    /** Backend name: "scalar", "vector", "jblas". */
    String name();

    /** C = epilogue((accumulate ? C : 0) + A·B); see the class comment. */
    void gemm(float[] c, int cOff, int ldc, Operand a, Operand b, int m, int n, int k,
              boolean accumulate, Epilogue epilogue);

    /** C = A·B. */
    default void gemm(float[] c, int cOff, int ldc, Operand a, Operand b, int m, int n, int k) {
        gemm(c, cOff, ldc, a, b, m, n, k, false, Epilogue.NONE);
    }

    /**
     * {@code batch} independent GEMMs; batch t uses C at {@code cOff + t*cStride}, A shifted by
     * {@code t*aStride}, B by {@code t*bStride} (strides in elements; 0 broadcasts an operand, e.g.
     * one weight for every batch). The residual, if any, moves with C. Attention uses this for heads.
     */
    default void gemmBatched(int batch, float[] c, int cOff, int ldc, long cStride,
                             Operand a, long aStride, Operand b, long bStride,
                             int m, int n, int k, boolean accumulate, Epilogue epilogue) {
        for (int t = 0; t < batch; t++) {
            Epilogue ep = epilogue.residual() == null ? epilogue
                    : epilogue.residual(epilogue.residual(), Math.toIntExact(epilogue.residualOffset() + t * cStride),
                    epilogue.residualLd());
            gemm(c, Math.toIntExact(cOff + t * cStride), ldc, a.shift(t * aStride), b.shift(t * bStride),
                    m, n, k, accumulate, ep);
        }
    }

    /**
     * PyTorch {@code F.linear} with a fused activation: {@code y = act(x·Wᵀ + bias)}.
     * x is (rows, in) row-major, W is (out, in) (array or mapped segment, via {@code w}),
     * y is (rows, out) row-major; {@code bias} may be null.
     */
    default void linear(float[] y, int yOff, float[] x, int xOff, Operand w, float[] bias, Activation act,
                        int rows, int in, int out) {
        Epilogue ep = bias == null ? Epilogue.of(act) : Epilogue.bias(bias, 0).activation(act);
        gemm(y, yOff, out, Operand.rowMajor(x, xOff, in), w.t(), rows, out, in, false, ep);
    }

    /** Validates sizes and bounds; every implementation calls it first so errors name the operand. */
    static void check(float[] c, int cOff, int ldc, Operand a, Operand b, int m, int n, int k, Epilogue ep) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("GEMM sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        if (m > 0 && n > 0 && (ldc < n || cOff < 0 || cOff + (long) (m - 1) * ldc + n > c.length)) {
            throw new IndexOutOfBoundsException("GEMM output C [" + m + "x" + n + "] with offset " + cOff + ", ldc "
                    + ldc + " does not fit its array of " + c.length + " floats (ldc must be >= n)");
        }
        a.checkBounds("A", m, k);
        b.checkBounds("B", k, n);
        ep.checkBounds(m, n, 0);
    }
}
