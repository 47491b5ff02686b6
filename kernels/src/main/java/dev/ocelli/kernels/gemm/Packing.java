package dev.ocelli.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Packing: copies a block of A or B, whatever its strides or storage, into the contiguous,
 * zero-padded micro-panel layout the microkernel streams. This is where transposes, strided
 * views and memory-mapped segments are absorbed; the microkernel never sees them.
 *
 * <pre>
 *   packed A block (mc × kc): panel q = rows [q*MR, q*MR+MR), element (r, p) at q*MR*kc + p*MR + r
 *   packed B block (kc × nc): panel q = cols [q*NR, q*NR+NR), element (p, j) at q*NR*kc + p*NR + j
 * </pre>
 * Rows past mc and columns past nc are written as zeros: the microkernel then always runs a
 * full tile and needs no mask in its inner loop.
 */
final class Packing {
    private Packing() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** K chunk of the strided-write packing loops: 128 × NR(32) × 4 B = 16 KB of packed panel in L1. */
    private static final int P_CHUNK = 128;

    /**
     * Packs A rows [i0, i0+mc) × cols [p0, p0+kc) into {@code dst} (a heap array, see
     * {@link Microkernel#compute}) in MR-row panels. {@code dst} must hold
     * {@link #A_SLACK} floats beyond the block: an implicit source may copy whole vectors
     * past a panel's last row (the next row overwrites them).
     */
    static void packA(Operand a, int i0, int mc, int p0, int kc, int mr, float[] dst) {
        if (a.source() != null) { // implicit operand (e.g. implicit im2row): the source packs itself
            a.source().packA(i0, mc, p0, kc, mr, dst);
            return;
        }
        float[] arr = a.array();
        MemorySegment seg = a.segment();
        long rs = a.rowStride(), cs = a.colStride(), off = a.offset();
        for (int q = 0; q < mc; q += mr) {
            int panel = q * kc;                   // in floats
            int rows = Math.min(mr, mc - q);
            if (cs == 1 && arr != null && TRANSPOSE16 && rows == 12 && mr == 12) {
                // row-major A in an array, full 12-row panel: 12×16 blocks transposed in
                // registers (Transpose16.packRows12), then the last kc % 16 columns one by one.
                // The scalar loop below ran at 3–5 cycles per float (strided stores), which was
                // 10–15% of a GEMM whose A is an activation (docs/kernels/gemm.md)
                int s = (int) (off + (i0 + q) * rs + p0), lda = (int) rs;
                int kFull = kc - kc % 16;
                for (int p = 0; p < kFull; p += 16) {
                    Transpose16.packRows12(arr, s + p, lda, dst, panel + p * 12);
                }
                for (int p = kFull; p < kc; p++) {
                    int d = panel + p * 12;
                    for (int r = 0; r < 12; r++) {
                        dst[d + r] = arr[s + r * lda + p];
                    }
                }
            } else if (cs == 1) {
                // row-major A: read each row contiguously, write it with stride MR; in chunks of
                // P_CHUNK columns so the chunk of the packed panel being written stays in L1
                for (int pc = 0; pc < kc; pc += P_CHUNK) {
                    int pe = Math.min(kc, pc + P_CHUNK);
                    for (int r = 0; r < rows; r++) {
                        long src = off + (i0 + q + r) * rs + p0;
                        int d = panel + pc * mr + r;
                        if (arr != null) {
                            int s = (int) src;
                            for (int p = pc; p < pe; p++, d += mr) {
                                dst[d] = arr[s + p];
                            }
                        } else {
                            for (int p = pc; p < pe; p++, d += mr) {
                                dst[d] = seg.getAtIndex(F32, src + p);
                            }
                        }
                    }
                }
            } else {
                // transposed or general strides: each packed row p gathers MR values
                for (int p = 0; p < kc; p++) {
                    int d = panel + p * mr;
                    long src = off + (i0 + q) * rs + (p0 + p) * cs;
                    for (int r = 0; r < rows; r++, d++) {
                        long idx = src + r * rs;
                        dst[d] = arr != null ? arr[(int) idx] : seg.getAtIndex(F32, idx);
                    }
                }
            }
            if (rows < mr) {
                for (int p = 0; p < kc; p++) {
                    java.util.Arrays.fill(dst, panel + p * mr + rows, panel + p * mr + mr, 0f);
                }
            }
        }
    }

    /**
     * Floats a packed-A buffer needs beyond its MC×KC block (see {@link #packA}): two vectors, as
     * a packed row may be written as two whole-vector runs, the second starting inside the row.
     */
    static final int A_SLACK = 2 * FloatVector.SPECIES_PREFERRED.length();

    /** The in-register transpose needs real 512-bit vectors; elsewhere the scalar route is faster. */
    private static final boolean TRANSPOSE16 = Transpose16.FAST;

    /** Rows of B handled per sweep across all panels in {@link #packBRowMajor}. */
    private static final int B_ROWS = 16;

    /**
     * Row-major B: each packed row of a panel is a contiguous run of NR floats, copied with
     * vectors. Rows are taken B_ROWS at a time across all panels, so a sweep reads B_ROWS whole
     * rows of B (a handful of pages, TLB- and prefetch-friendly) instead of walking down one
     * 128-byte column strip through a new 4 KB page per row.
     */
    private static void packBRowMajor(float[] arr, MemorySegment seg, long off, long rs, int p0, int kc,
                                      int j0, int nc, int nr, MemorySegment dst, long dstOff) {
        for (int pb = 0; pb < kc; pb += B_ROWS) {
            int pe = Math.min(kc, pb + B_ROWS);
            for (int q = 0; q < nc; q += nr) {
                long panel = (long) q * kc;
                int cols = Math.min(nr, nc - q);
                int upper = S.loopBound(cols);
                for (int p = pb; p < pe; p++) {
                    long src = off + (p0 + p) * rs + j0 + q;
                    long d = dstOff + (panel + (long) p * nr) * 4;
                    int j = 0;
                    if (arr != null) {
                        int s = (int) src;
                        for (; j < upper; j += S.length()) {
                            FloatVector.fromArray(S, arr, s + j).intoMemorySegment(dst, d + 4L * j, LE);
                        }
                        for (; j < cols; j++) {
                            dst.set(F32, d + 4L * j, arr[s + j]);
                        }
                    } else {
                        for (; j < upper; j += S.length()) {
                            FloatVector.fromMemorySegment(S, seg, 4 * (src + j), LE).intoMemorySegment(dst, d + 4L * j, LE);
                        }
                        for (; j < cols; j++) {
                            dst.set(F32, d + 4L * j, seg.getAtIndex(F32, src + j));
                        }
                    }
                    for (; j < nr; j++) {
                        dst.set(F32, d + 4L * j, 0f);   // zero padding of the last panel
                    }
                }
            }
        }
    }

    /** Packs B rows [p0, p0+kc) × cols [j0, j0+nc) into {@code dst} in NR-column panels. */
    static void packB(Operand b, int p0, int kc, int j0, int nc, int nr, MemorySegment dst) {
        packB(b, p0, kc, j0, nc, nr, dst, 0);
    }

    /** As {@link #packB(Operand, int, int, int, int, int, MemorySegment)}, the block starting at byte {@code dstOff} of {@code dst}. */
    static void packB(Operand b, int p0, int kc, int j0, int nc, int nr, MemorySegment dst, long dstOff) {
        if (b.source() != null) { // implicit operand (e.g. implicit im2col): the source packs itself
            b.source().packB(p0, kc, j0, nc, nr, dst, dstOff);
            return;
        }
        float[] arr = b.array();
        MemorySegment seg = b.segment();
        long rs = b.rowStride(), cs = b.colStride(), off = b.offset();
        if (cs == 1) {
            packBRowMajor(arr, seg, off, rs, p0, kc, j0, nc, nr, dst, dstOff);
            return;
        }
        for (int q = 0; q < nc; q += nr) {
            long panel = (long) q * kc;
            int cols = Math.min(nr, nc - q);
            if (TRANSPOSE16 && arr != null && rs == 1 && cols == nr && nr % 16 == 0) {
                // B = Wᵀ in an array, full panel: 16×16 blocks transposed in registers
                int kFull = kc - kc % 16;
                for (int pb = 0; pb < kFull; pb += 16) {
                    for (int g = 0; g < nr; g += 16) {
                        Transpose16.pack(arr, (int) (off + p0 + pb + (j0 + q + g) * cs), (int) cs,
                                dst, dstOff + (panel + (long) pb * nr + g) * 4, 4L * nr);
                    }
                }
                // scalar tail: the last kc % 16 rows
                for (int j = 0; j < cols; j++) {
                    int s = (int) (off + p0 + (j0 + q + j) * cs);
                    for (int p = kFull; p < kc; p++) {
                        dst.set(F32, dstOff + (panel + (long) p * nr + j) * 4, arr[s + p]);
                    }
                }
                continue;
            }
            // B = Wᵀ (Linear weight [out, in]) or general strides: read each column contiguously
            // along K when rowStride is 1, write it with stride NR; in chunks of P_CHUNK rows
            // so the part of the packed panel being written stays in L1
            for (int pc = 0; pc < kc; pc += P_CHUNK) {
                int pe = Math.min(kc, pc + P_CHUNK);
                for (int j = 0; j < cols; j++) {
                    long src = off + (long) p0 * rs + (j0 + q + j) * cs;
                    long d = dstOff + (panel + (long) pc * nr + j) * 4;
                    if (arr != null && rs == 1) {
                        int s = (int) src;
                        for (int p = pc; p < pe; p++, d += 4L * nr) {
                            dst.set(F32, d, arr[s + p]);
                        }
                    } else {
                        for (int p = pc; p < pe; p++, d += 4L * nr) {
                            long idx = src + p * rs;
                            dst.set(F32, d, arr != null ? arr[(int) idx] : seg.getAtIndex(F32, idx));
                        }
                    }
                }
            }
            if (cols < nr) {
                for (int p = 0; p < kc; p++) {
                    for (int j = cols; j < nr; j++) {
                        dst.set(F32, dstOff + (panel + (long) p * nr + j) * 4, 0f);
                    }
                }
            }
        }
    }
}
