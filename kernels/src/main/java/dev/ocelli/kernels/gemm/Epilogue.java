package dev.ocelli.kernels.gemm;

import java.util.Objects;

/**
 * What a GEMM does to each output element after the sum over K, while the C tile is still in
 * L1: {@code C[i][j] = act(sum + bias[j]) + residual[i][j]}, in that order (PyTorch
 * {@code x + act(linear(h))} with the residual added after the activation).
 *
 * <pre>{@code
 * // bias is (N); residual is (M, N) row-major with leading dimension residualLd
 * Epilogue.bias(b, 0).activation(Activation.GELU_ERF)
 * Epilogue.NONE.residual(r, 0, n)
 * }</pre>
 *
 * In a batched GEMM the bias is shared by every batch and the residual moves with C (by the
 * C batch stride).
 */
public record Epilogue(float[] bias, int biasOffset, Activation activation,
                       float[] residual, int residualOffset, int residualLd) {

    /** Nothing: C is the plain product. */
    public static final Epilogue NONE = new Epilogue(null, 0, Activation.NONE, null, 0, 0);

    public Epilogue {
        Objects.requireNonNull(activation, "activation");
    }

    /** A bias per output column, {@code bias[offset + j]}. */
    public static Epilogue bias(float[] bias, int offset) {
        return new Epilogue(Objects.requireNonNull(bias, "bias"), offset, Activation.NONE, null, 0, 0);
    }

    /** Just an activation. */
    public static Epilogue of(Activation act) {
        return new Epilogue(null, 0, act, null, 0, 0);
    }

    /** This epilogue with another activation. */
    public Epilogue activation(Activation act) {
        return new Epilogue(bias, biasOffset, act, residual, residualOffset, residualLd);
    }

    /** This epilogue plus a residual (M, N) matrix added last: {@code r[offset + i*ld + j]}. */
    public Epilogue residual(float[] r, int offset, int ld) {
        return new Epilogue(bias, biasOffset, activation, Objects.requireNonNull(r, "residual"), offset, ld);
    }

    /** True when the epilogue changes anything. */
    public boolean isIdentity() {
        return bias == null && activation == Activation.NONE && residual == null;
    }

    /** Scalar reference of one element; {@code i}, {@code j} index the output, {@code resShift} moves the residual per batch. */
    float apply(float sum, int i, int j, long resShift) {
        float v = bias == null ? sum : sum + bias[biasOffset + j];
        v = activation.apply(v);
        return residual == null ? v : v + residual[(int) (residualOffset + resShift + (long) i * residualLd + j)];
    }

    void checkBounds(int m, int n, long lastResShift) {
        if (bias != null && (biasOffset < 0 || biasOffset + (long) n > bias.length)) {
            throw new IndexOutOfBoundsException("GEMM epilogue bias needs " + n + " floats from offset " + biasOffset
                    + " but has length " + bias.length);
        }
        if (residual != null && m > 0 && n > 0) {
            long hi = residualOffset + lastResShift + (long) (m - 1) * residualLd + n - 1;
            if (residualOffset < 0 || hi >= residual.length) {
                throw new IndexOutOfBoundsException("GEMM epilogue residual [" + m + "x" + n + "] ld " + residualLd
                        + " reaches element " + hi + " but has length " + residual.length);
            }
        }
    }
}
