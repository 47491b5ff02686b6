package dev.ocelli.kernels.gemm;

/**
 * The activations a GEMM epilogue can fuse. Scalar definitions here are the reference; the vector
 * epilogue ({@link EpilogueKernels}) computes the same formulas lane-wise.
 *
 * <ul>
 *   <li>{@code GELU_ERF}: PyTorch {@code F.gelu(x)}, x·Φ(x) = 0.5·x·(1 + erf(x/√2)).</li>
 *   <li>{@code GELU_TANH}: PyTorch {@code F.gelu(x, approximate='tanh')},
 *       0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</li>
 *   <li>{@code QUICK_GELU}: OpenAI CLIP's {@code x * sigmoid(1.702 * x)}.</li>
 * </ul>
 */
public enum Activation {
    NONE, GELU_ERF, GELU_TANH, QUICK_GELU;

    /** Reference value in double precision, rounded once to float. */
    public float apply(float xf) {
        double x = xf;
        return switch (this) {
            case NONE -> xf;
            case GELU_ERF -> (float) (x >= 0 ? x * (1 - 0.5 * erfc(x / Math.sqrt(2))) : 0.5 * x * erfc(-x / Math.sqrt(2)));
            case GELU_TANH -> (float) (0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
            case QUICK_GELU -> (float) (x / (1 + Math.exp(-1.702 * x)));
        };
    }

    /**
     * erfc(z) for z ≥ 0 by the Chebyshev-fitted form of Numerical Recipes (§6.2, erfcc):
     * fractional error below 1.2e-7 everywhere, which is float precision. Written as
     * erfc (not erf) so GELU's negative tail, 0.5·x·erfc(|x|/√2), keeps its relative accuracy.
     */
    static double erfc(double z) {
        double t = 1 / (1 + 0.5 * z);
        return t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
    }
}
