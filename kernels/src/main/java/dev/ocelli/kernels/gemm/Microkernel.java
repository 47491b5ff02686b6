package dev.ocelli.kernels.gemm;

import java.lang.foreign.MemorySegment;

/**
 * An MR×NR register-tile microkernel: {@code C[0:MR, 0:NR] (+)= Apanel(MR×kc) · Bpanel(kc×NR)}.
 * One subclass per vector width ({@link Microkernel512}, {@link Microkernel256},
 * {@link Microkernel128}), each with its own {@code static final} species so C2 compiles the
 * Vector API calls to SIMD instructions; the driver ({@link VectorGemm}) only sees this class.
 */
abstract sealed class Microkernel permits Microkernel512, Microkernel256, Microkernel128 {
    final int bits;
    final int mr;
    final int nr;

    Microkernel(int bits, int mr, int nr) {
        this.bits = bits;
        this.mr = mr;
        this.nr = nr;
    }

    /**
     * Full tile. {@code add}: C += A·B (later K blocks, or the accumulate form), else C = A·B.
     * With {@code add} the accumulators start from C and the FMAs add onto it, so every element is
     * summed as ((C + a0·b0) + a1·b1) + … in K order: the same order for any tiling or thread count.
     * Packed panels are zero-padded to MR rows / NR columns, so there is no mask in the loop.
     */
    abstract void compute(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
                          float[] c, int cOff, int ldc, boolean add);

    /** The kernel for a vector width in bits (128, 256 or 512). */
    static Microkernel forBits(int bits) {
        return switch (bits) {
            case 512 -> new Microkernel512();
            case 256 -> new Microkernel256();
            case 128 -> new Microkernel128();
            default -> throw new IllegalArgumentException("no GEMM microkernel for " + bits + "-bit vectors (128, 256, 512)");
        };
    }
}
