package dev.ocelli.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The 12×32 outer-product microkernel on 512-bit vectors (16 lanes): 12×2 = 24 accumulator
 * vectors stay in registers for the whole KC loop; each step loads one packed B row
 * (2 vectors), broadcasts 12 packed A values and issues 24 independent FMAs.
 *
 * <p>Zen 4/5 with AVX-512 have 32 vector registers: 24 accumulators + 2 B vectors + 1 broadcast
 * fit without spills. 12×32, 14×32, 8×48 and 6×64 all ran at 98% of the FMA probe in a hot-cache
 * test (docs/kernels/gemm.md), so the choice is about edges: NR = 32 divides every N of this
 * project but 577 (64, 768, 1024, 3072, 4096), and M = 577 is 48 full 12-row panels + 1 row.
 *
 * <p>Packed layouts: A micro-panel {@code ap[aOff + p*MR + r]} (a heap float[]: see {@link Microkernel#compute}), B micro-panel
 * {@code bp[bOff + (p*NR + j)*4 bytes]}, B in a native 64-byte aligned scratch segment.
 */
final class Microkernel512 extends Microkernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int MR = 12;
    static final int NR = 32;

    Microkernel512() {
        super(512, MR, NR);
    }

    @Override
    void compute(int kc, float[] ap, int aOff, MemorySegment bp, long bOff,
                 float[] c, int cOff, int ldc) {
        // accumulators start from C (the driver zeroes C before the first K block), so the end is
        // a plain store: loading C here lets its cache misses overlap the K loop instead of
        // stalling after it
        FloatVector c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b, c4a, c4b, c5a, c5b, c6a, c6b, c7a, c7b, c8a, c8b, c9a, c9b, c10a, c10b, c11a, c11b;
        c0a = FloatVector.fromArray(S, c, cOff);
        c0b = FloatVector.fromArray(S, c, cOff + 16);
        c1a = FloatVector.fromArray(S, c, cOff + ldc);
        c1b = FloatVector.fromArray(S, c, cOff + ldc + 16);
        c2a = FloatVector.fromArray(S, c, cOff + 2 * ldc);
        c2b = FloatVector.fromArray(S, c, cOff + 2 * ldc + 16);
        c3a = FloatVector.fromArray(S, c, cOff + 3 * ldc);
        c3b = FloatVector.fromArray(S, c, cOff + 3 * ldc + 16);
        c4a = FloatVector.fromArray(S, c, cOff + 4 * ldc);
        c4b = FloatVector.fromArray(S, c, cOff + 4 * ldc + 16);
        c5a = FloatVector.fromArray(S, c, cOff + 5 * ldc);
        c5b = FloatVector.fromArray(S, c, cOff + 5 * ldc + 16);
        c6a = FloatVector.fromArray(S, c, cOff + 6 * ldc);
        c6b = FloatVector.fromArray(S, c, cOff + 6 * ldc + 16);
        c7a = FloatVector.fromArray(S, c, cOff + 7 * ldc);
        c7b = FloatVector.fromArray(S, c, cOff + 7 * ldc + 16);
        c8a = FloatVector.fromArray(S, c, cOff + 8 * ldc);
        c8b = FloatVector.fromArray(S, c, cOff + 8 * ldc + 16);
        c9a = FloatVector.fromArray(S, c, cOff + 9 * ldc);
        c9b = FloatVector.fromArray(S, c, cOff + 9 * ldc + 16);
        c10a = FloatVector.fromArray(S, c, cOff + 10 * ldc);
        c10b = FloatVector.fromArray(S, c, cOff + 10 * ldc + 16);
        c11a = FloatVector.fromArray(S, c, cOff + 11 * ldc);
        c11b = FloatVector.fromArray(S, c, cOff + 11 * ldc + 16);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bOff, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bOff + 64, LE);
            FloatVector a0 = FloatVector.broadcast(S, ap[aOff]);
            c0a = a0.fma(b0, c0a); c0b = a0.fma(b1, c0b);
            FloatVector a1 = FloatVector.broadcast(S, ap[aOff + 1]);
            c1a = a1.fma(b0, c1a); c1b = a1.fma(b1, c1b);
            FloatVector a2 = FloatVector.broadcast(S, ap[aOff + 2]);
            c2a = a2.fma(b0, c2a); c2b = a2.fma(b1, c2b);
            FloatVector a3 = FloatVector.broadcast(S, ap[aOff + 3]);
            c3a = a3.fma(b0, c3a); c3b = a3.fma(b1, c3b);
            FloatVector a4 = FloatVector.broadcast(S, ap[aOff + 4]);
            c4a = a4.fma(b0, c4a); c4b = a4.fma(b1, c4b);
            FloatVector a5 = FloatVector.broadcast(S, ap[aOff + 5]);
            c5a = a5.fma(b0, c5a); c5b = a5.fma(b1, c5b);
            FloatVector a6 = FloatVector.broadcast(S, ap[aOff + 6]);
            c6a = a6.fma(b0, c6a); c6b = a6.fma(b1, c6b);
            FloatVector a7 = FloatVector.broadcast(S, ap[aOff + 7]);
            c7a = a7.fma(b0, c7a); c7b = a7.fma(b1, c7b);
            FloatVector a8 = FloatVector.broadcast(S, ap[aOff + 8]);
            c8a = a8.fma(b0, c8a); c8b = a8.fma(b1, c8b);
            FloatVector a9 = FloatVector.broadcast(S, ap[aOff + 9]);
            c9a = a9.fma(b0, c9a); c9b = a9.fma(b1, c9b);
            FloatVector a10 = FloatVector.broadcast(S, ap[aOff + 10]);
            c10a = a10.fma(b0, c10a); c10b = a10.fma(b1, c10b);
            FloatVector a11 = FloatVector.broadcast(S, ap[aOff + 11]);
            c11a = a11.fma(b0, c11a); c11b = a11.fma(b1, c11b);
            aOff += 12;
            bOff += 128;
        }
        c0a.intoArray(c, cOff);
        c0b.intoArray(c, cOff + 16);
        c1a.intoArray(c, cOff + ldc);
        c1b.intoArray(c, cOff + ldc + 16);
        c2a.intoArray(c, cOff + 2 * ldc);
        c2b.intoArray(c, cOff + 2 * ldc + 16);
        c3a.intoArray(c, cOff + 3 * ldc);
        c3b.intoArray(c, cOff + 3 * ldc + 16);
        c4a.intoArray(c, cOff + 4 * ldc);
        c4b.intoArray(c, cOff + 4 * ldc + 16);
        c5a.intoArray(c, cOff + 5 * ldc);
        c5b.intoArray(c, cOff + 5 * ldc + 16);
        c6a.intoArray(c, cOff + 6 * ldc);
        c6b.intoArray(c, cOff + 6 * ldc + 16);
        c7a.intoArray(c, cOff + 7 * ldc);
        c7b.intoArray(c, cOff + 7 * ldc + 16);
        c8a.intoArray(c, cOff + 8 * ldc);
        c8b.intoArray(c, cOff + 8 * ldc + 16);
        c9a.intoArray(c, cOff + 9 * ldc);
        c9b.intoArray(c, cOff + 9 * ldc + 16);
        c10a.intoArray(c, cOff + 10 * ldc);
        c10b.intoArray(c, cOff + 10 * ldc + 16);
        c11a.intoArray(c, cOff + 11 * ldc);
        c11b.intoArray(c, cOff + 11 * ldc + 16);
    }
}
