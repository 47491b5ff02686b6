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
     * Full tile, always C += A·B: the accumulators start from C and the FMAs add onto it, so every
     * element is summed as ((C + a0·b0) + a1·b1) + … in K order, the same order for any tiling or
     * thread count. For C = A·B the driver zeroes the tile first. There is deliberately no
     * "overwrite" flag: a branch on it at the top of this method compiled as an uncommon trap
     * while only one side had run (e.g. many K ≤ KC calls), and the first call that took the other
     * side (ConvNeXt's fc2, K = 3072 > KC) deoptimized the kernel; the recompiled version ran at a
     * quarter of the speed. Packed panels are zero-padded to MR rows / NR columns, so there is no
     * mask in the loop.
     *
     * <p>A comes from a heap {@code float[]} (element (r, p) at {@code aOff + p·MR + r}), B from a
     * 64-byte aligned native segment. A is only read as scalars to broadcast, so its alignment
     * does not matter, and an array load is a handful of C2 nodes where a {@code MemorySegment.get}
     * is dozens (session, alignment and bounds checks). With twelve segment loads per K step the
     * C2 compile of this method sometimes crossed the parser's node-count inlining cutoff; one
     * accessor was then left as a call, the 24 accumulator vectors live across it were boxed, and
     * the kernel ran 5× slower while allocating ~50 MB per conv call, in about half of all JVMs
     * (which half depended on compile timing). See docs/kernels/gemm.md.
     */
    abstract void compute(int kc, float[] ap, int aOff, MemorySegment bp, long bOff,
                          float[] c, int cOff, int ldc);

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
