package dev.ocelli.kernels.gemm;

import dev.ocelli.kernels.parallel.WorkerPool;
import org.jblas.NativeBlas;

/**
 * GEMM through jblas 1.2.5's native {@code sgemm} (optional backend; {@link Gemms} only picks it
 * when its natives load).
 *
 * <p>BLAS is column-major and Ocelli is row-major. A row-major (M, N) C read column-major is Cᵀ,
 * so C = A·B is computed as Cᵀ = Bᵀ·Aᵀ: {@code sgemm(N rows = n, cols = m, B, A)}, where a
 * row-major operand passes as 'N' with ld = rowStride and a transposed one (rowStride 1) as 'T'
 * with ld = colStride. Other strides and segment operands are first copied into a contiguous
 * array. The epilogue runs afterwards over C.
 *
 * <p>Threads: calls into jblas's bundled native BLAS are serialized on one lock. Concurrent
 * {@code sgemm} calls from two Java threads gave wrong results in this project's tests (its
 * bundled BLAS is not safe for concurrent callers), so this backend never splits work across the
 * engine pool; the native library decides its own threading. {@code threads} is recorded only.
 */
public final class JblasGemm implements Gemm {

    private final int threads;

    /** @param threads threads per call, or 0 for the shared pool's count */
    public JblasGemm(int threads) {
        this.threads = threads;
    }

    @Override
    public String name() {
        return "jblas";
    }

    @Override
    public void gemm(float[] c, int cOff, int ldc, Operand a, Operand b, int m, int n, int k,
                     boolean accumulate, Epilogue ep) {
        Gemm.check(c, cOff, ldc, a, b, m, n, k, ep);
        if (m == 0 || n == 0) {
            return;
        }
        Blas ab = Blas.of(a, m, k);
        Blas bb = Blas.of(b, k, n);
        synchronized (LOCK) {
            int j0 = 0, j1 = n, nn = n;
            if (k == 0) {
                for (int i = 0; i < m; i++) {
                    for (int j = j0; j < j1; j++) {
                        if (!accumulate) {
                            c[cOff + i * ldc + j] = 0f;
                        }
                    }
                }
            } else {
                // column slice j0..j1 of B is B shifted by j0 columns
                int bOffSlice = bb.trans == 'N' ? bb.off + j0 : bb.off + j0 * bb.ld;
                NativeBlas.sgemm(bb.trans, ab.trans, nn, m, k, 1f, bb.data, bOffSlice, bb.ld, ab.data, ab.off, ab.ld,
                        accumulate ? 1f : 0f, c, cOff + j0, ldc);
            }
            if (!ep.isIdentity()) {
                for (int i = 0; i < m; i++) {
                    for (int j = j0; j < j1; j++) {
                        int ci = cOff + i * ldc + j;
                        c[ci] = ep.apply(c[ci], i, j, 0);
                    }
                }
            }
        }
    }

    private static final Object LOCK = new Object();

    /** Threads requested at construction (0 = engine default); informational, see the class comment. */
    public int threads() {
        return threads == 0 ? WorkerPool.shared().threads() : threads;
    }

    /**
     * A row-major operand as BLAS sees it: data, offset, ld, and 'N' or 'T' for the column-major
     * transpose of the row-major matrix.
     */
    private record Blas(float[] data, int off, int ld, char trans) {
        static Blas of(Operand x, int rows, int cols) {
            if (x.array() != null && x.colStride() == 1 && x.rowStride() >= Math.max(1, cols)) {
                return new Blas(x.array(), (int) x.offset(), (int) x.rowStride(), 'N');
            }
            if (x.array() != null && x.rowStride() == 1 && x.colStride() >= Math.max(1, rows)) {
                return new Blas(x.array(), (int) x.offset(), (int) x.colStride(), 'T');
            }
            float[] copy = new float[Math.max(1, rows * cols)];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    copy[i * cols + j] = x.get(i, j);
                }
            }
            return new Blas(copy, 0, Math.max(1, cols), 'N');
        }
    }
}
