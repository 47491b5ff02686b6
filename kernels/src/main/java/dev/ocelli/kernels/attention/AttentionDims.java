package dev.ocelli.kernels.attention;

/**
 * The sizes of one multi-head attention call.
 *
 * <p>B = batch, H = heads, Nq = query length, Nk = key/value length, d = head dim (the same for
 * q, k and v, as in every encoder Ocelli runs). Nq ≠ Nk is cross-attention.
 */
public record AttentionDims(int batch, int heads, int nq, int nk, int headDim) {
    public AttentionDims {
        if (batch < 1 || heads < 1 || nq < 1 || nk < 1 || headDim < 1) {
            throw new IllegalArgumentException("attention dims must all be >= 1, got " + describe(batch, heads, nq, nk, headDim));
        }
    }

    /** 4·B·H·Nq·Nk·d: two GEMMs (Q·Kᵀ and P·V), two flops per multiply-add. */
    public double flops() {
        return 4.0 * batch * heads * nq * (double) nk * headDim;
    }

    @Override
    public String toString() {
        return describe(batch, heads, nq, nk, headDim);
    }

    private static String describe(int b, int h, int nq, int nk, int d) {
        return "[B=" + b + ", H=" + h + ", Nq=" + nq + ", Nk=" + nk + ", d=" + d + "]";
    }
}
