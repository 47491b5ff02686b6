package dev.ocelli.kernels.gemm;

/**
 * v0: the scalar reference GEMM, the definition of the operation and the last-resort backend.
 * It stays in the code permanently; every other version is tested against it.
 *
 * <pre>{@code
 * # PyTorch
 * C = torch.addmm(C if accumulate else 0, A, B); C = act(C + bias) + residual
 * }</pre>
 *
 * The sum over K runs in double and is rounded once, so the reference is more accurate than
 * any float kernel it judges (tests use a tolerance growing with K for the float kernels'
 * rounding, not for this one's).
 */
public final class ScalarGemm implements Gemm {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(float[] c, int cOff, int ldc, Operand a, Operand b, int m, int n, int k,
                     boolean accumulate, Epilogue ep) {
        Gemm.check(c, cOff, ldc, a, b, m, n, k, ep);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a.get(i, p) * b.get(p, j);
                }
                int ci = cOff + i * ldc + j;
                float v = (float) (accumulate ? c[ci] + sum : sum);
                c[ci] = ep.apply(v, i, j, 0);
            }
        }
    }
}
