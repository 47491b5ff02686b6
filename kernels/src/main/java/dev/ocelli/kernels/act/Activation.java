package dev.ocelli.kernels.act;

/** The element-wise activations Ocelli's encoders use, with the PyTorch call each one matches. */
public enum Activation {
    /** {@code F.gelu(x)} (approximate='none'): x·Φ(x) with the exact erf. */
    GELU,
    /** {@code F.gelu(x, approximate='tanh')}. */
    GELU_TANH,
    /** CLIP's {@code quick_gelu}: {@code x * torch.sigmoid(1.702 * x)}. */
    QUICK_GELU,
    /** {@code F.silu(x)}. */
    SILU,
    /** {@code torch.sigmoid(x)}. */
    SIGMOID,
    /** {@code torch.tanh(x)}. */
    TANH;

    /** The scalar definition, lane by lane identical to the vector kernels. */
    public float apply(float x) {
        return switch (this) {
            case GELU -> ScalarMath.gelu(x);
            case GELU_TANH -> ScalarMath.geluTanh(x);
            case QUICK_GELU -> ScalarMath.quickGelu(x);
            case SILU -> ScalarMath.silu(x);
            case SIGMOID -> ScalarMath.sigmoid(x);
            case TANH -> ScalarMath.tanh(x);
        };
    }
}
