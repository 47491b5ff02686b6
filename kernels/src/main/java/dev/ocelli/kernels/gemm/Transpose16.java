package dev.ocelli.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * A 16×16 block transpose, used to pack 16 columns of B = Wᵀ (16 rows of a row-major W) for 16
 * consecutive K steps, and by convolution to turn a [pixels, channels] GEMM result into NCHW. It is
 * done with a
 * 16×16 in-register transpose on 512-bit vectors: 16 row loads, 4 stages of 16 two-source
 * permutes ({@code selectFrom(v1, v2)}, one {@code vpermt2ps} each), 16 row stores. The scalar
 * route (one load and one strided store per element) cost about 10% of a Linear-shaped GEMM.
 *
 * <p>Stage with block size b pairs rows i and i+b (i &amp; b = 0) and swaps their off-diagonal
 * b-wide lane blocks; after b = 8, 4, 2, 1 row r holds what was column r.
 * Generated code (16 named vectors so nothing is boxed); the scalar definition is
 * {@code dst[(p*ldd + j)] = w[(j*ldw + p)]} for j, p in [0, 16).
 */
public final class Transpose16 {
    private Transpose16() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    /** True where 512-bit vectors are real (preferred species); elsewhere a scalar transpose is faster. */
    public static final boolean FAST = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final FloatVector LO8 = FloatVector.fromArray(S, new float[] {0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 16f, 17f, 18f, 19f, 20f, 21f, 22f, 23f}, 0);
    private static final FloatVector HI8 = FloatVector.fromArray(S, new float[] {8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 24f, 25f, 26f, 27f, 28f, 29f, 30f, 31f}, 0);
    private static final FloatVector LO4 = FloatVector.fromArray(S, new float[] {0f, 1f, 2f, 3f, 16f, 17f, 18f, 19f, 8f, 9f, 10f, 11f, 24f, 25f, 26f, 27f}, 0);
    private static final FloatVector HI4 = FloatVector.fromArray(S, new float[] {4f, 5f, 6f, 7f, 20f, 21f, 22f, 23f, 12f, 13f, 14f, 15f, 28f, 29f, 30f, 31f}, 0);
    private static final FloatVector LO2 = FloatVector.fromArray(S, new float[] {0f, 1f, 16f, 17f, 4f, 5f, 20f, 21f, 8f, 9f, 24f, 25f, 12f, 13f, 28f, 29f}, 0);
    private static final FloatVector HI2 = FloatVector.fromArray(S, new float[] {2f, 3f, 18f, 19f, 6f, 7f, 22f, 23f, 10f, 11f, 26f, 27f, 14f, 15f, 30f, 31f}, 0);
    private static final FloatVector LO1 = FloatVector.fromArray(S, new float[] {0f, 16f, 2f, 18f, 4f, 20f, 6f, 22f, 8f, 24f, 10f, 26f, 12f, 28f, 14f, 30f}, 0);
    private static final FloatVector HI1 = FloatVector.fromArray(S, new float[] {1f, 17f, 3f, 19f, 5f, 21f, 7f, 23f, 9f, 25f, 11f, 27f, 13f, 29f, 15f, 31f}, 0);

    /**
     * Reads W rows {@code src + j*ldw} (j in [0,16)), 16 floats each, and writes the transpose:
     * packed row p (16 floats: W[0..15][p]) at byte {@code dstByte + p*strideBytes}.
     */
    public static void pack(float[] w, int src, int ldw, MemorySegment dst, long dstByte, long strideBytes) {
        FloatVector r0 = FloatVector.fromArray(S, w, src);
        FloatVector r1 = FloatVector.fromArray(S, w, src + 1 * ldw);
        FloatVector r2 = FloatVector.fromArray(S, w, src + 2 * ldw);
        FloatVector r3 = FloatVector.fromArray(S, w, src + 3 * ldw);
        FloatVector r4 = FloatVector.fromArray(S, w, src + 4 * ldw);
        FloatVector r5 = FloatVector.fromArray(S, w, src + 5 * ldw);
        FloatVector r6 = FloatVector.fromArray(S, w, src + 6 * ldw);
        FloatVector r7 = FloatVector.fromArray(S, w, src + 7 * ldw);
        FloatVector r8 = FloatVector.fromArray(S, w, src + 8 * ldw);
        FloatVector r9 = FloatVector.fromArray(S, w, src + 9 * ldw);
        FloatVector r10 = FloatVector.fromArray(S, w, src + 10 * ldw);
        FloatVector r11 = FloatVector.fromArray(S, w, src + 11 * ldw);
        FloatVector r12 = FloatVector.fromArray(S, w, src + 12 * ldw);
        FloatVector r13 = FloatVector.fromArray(S, w, src + 13 * ldw);
        FloatVector r14 = FloatVector.fromArray(S, w, src + 14 * ldw);
        FloatVector r15 = FloatVector.fromArray(S, w, src + 15 * ldw);
        FloatVector s1_0 = LO8.selectFrom(r0, r8);
        FloatVector s1_8 = HI8.selectFrom(r0, r8);
        FloatVector s1_1 = LO8.selectFrom(r1, r9);
        FloatVector s1_9 = HI8.selectFrom(r1, r9);
        FloatVector s1_2 = LO8.selectFrom(r2, r10);
        FloatVector s1_10 = HI8.selectFrom(r2, r10);
        FloatVector s1_3 = LO8.selectFrom(r3, r11);
        FloatVector s1_11 = HI8.selectFrom(r3, r11);
        FloatVector s1_4 = LO8.selectFrom(r4, r12);
        FloatVector s1_12 = HI8.selectFrom(r4, r12);
        FloatVector s1_5 = LO8.selectFrom(r5, r13);
        FloatVector s1_13 = HI8.selectFrom(r5, r13);
        FloatVector s1_6 = LO8.selectFrom(r6, r14);
        FloatVector s1_14 = HI8.selectFrom(r6, r14);
        FloatVector s1_7 = LO8.selectFrom(r7, r15);
        FloatVector s1_15 = HI8.selectFrom(r7, r15);
        FloatVector s2_0 = LO4.selectFrom(s1_0, s1_4);
        FloatVector s2_4 = HI4.selectFrom(s1_0, s1_4);
        FloatVector s2_1 = LO4.selectFrom(s1_1, s1_5);
        FloatVector s2_5 = HI4.selectFrom(s1_1, s1_5);
        FloatVector s2_2 = LO4.selectFrom(s1_2, s1_6);
        FloatVector s2_6 = HI4.selectFrom(s1_2, s1_6);
        FloatVector s2_3 = LO4.selectFrom(s1_3, s1_7);
        FloatVector s2_7 = HI4.selectFrom(s1_3, s1_7);
        FloatVector s2_8 = LO4.selectFrom(s1_8, s1_12);
        FloatVector s2_12 = HI4.selectFrom(s1_8, s1_12);
        FloatVector s2_9 = LO4.selectFrom(s1_9, s1_13);
        FloatVector s2_13 = HI4.selectFrom(s1_9, s1_13);
        FloatVector s2_10 = LO4.selectFrom(s1_10, s1_14);
        FloatVector s2_14 = HI4.selectFrom(s1_10, s1_14);
        FloatVector s2_11 = LO4.selectFrom(s1_11, s1_15);
        FloatVector s2_15 = HI4.selectFrom(s1_11, s1_15);
        FloatVector s3_0 = LO2.selectFrom(s2_0, s2_2);
        FloatVector s3_2 = HI2.selectFrom(s2_0, s2_2);
        FloatVector s3_1 = LO2.selectFrom(s2_1, s2_3);
        FloatVector s3_3 = HI2.selectFrom(s2_1, s2_3);
        FloatVector s3_4 = LO2.selectFrom(s2_4, s2_6);
        FloatVector s3_6 = HI2.selectFrom(s2_4, s2_6);
        FloatVector s3_5 = LO2.selectFrom(s2_5, s2_7);
        FloatVector s3_7 = HI2.selectFrom(s2_5, s2_7);
        FloatVector s3_8 = LO2.selectFrom(s2_8, s2_10);
        FloatVector s3_10 = HI2.selectFrom(s2_8, s2_10);
        FloatVector s3_9 = LO2.selectFrom(s2_9, s2_11);
        FloatVector s3_11 = HI2.selectFrom(s2_9, s2_11);
        FloatVector s3_12 = LO2.selectFrom(s2_12, s2_14);
        FloatVector s3_14 = HI2.selectFrom(s2_12, s2_14);
        FloatVector s3_13 = LO2.selectFrom(s2_13, s2_15);
        FloatVector s3_15 = HI2.selectFrom(s2_13, s2_15);
        FloatVector s4_0 = LO1.selectFrom(s3_0, s3_1);
        FloatVector s4_1 = HI1.selectFrom(s3_0, s3_1);
        FloatVector s4_2 = LO1.selectFrom(s3_2, s3_3);
        FloatVector s4_3 = HI1.selectFrom(s3_2, s3_3);
        FloatVector s4_4 = LO1.selectFrom(s3_4, s3_5);
        FloatVector s4_5 = HI1.selectFrom(s3_4, s3_5);
        FloatVector s4_6 = LO1.selectFrom(s3_6, s3_7);
        FloatVector s4_7 = HI1.selectFrom(s3_6, s3_7);
        FloatVector s4_8 = LO1.selectFrom(s3_8, s3_9);
        FloatVector s4_9 = HI1.selectFrom(s3_8, s3_9);
        FloatVector s4_10 = LO1.selectFrom(s3_10, s3_11);
        FloatVector s4_11 = HI1.selectFrom(s3_10, s3_11);
        FloatVector s4_12 = LO1.selectFrom(s3_12, s3_13);
        FloatVector s4_13 = HI1.selectFrom(s3_12, s3_13);
        FloatVector s4_14 = LO1.selectFrom(s3_14, s3_15);
        FloatVector s4_15 = HI1.selectFrom(s3_14, s3_15);
        s4_0.intoMemorySegment(dst, dstByte, LE);
        s4_1.intoMemorySegment(dst, dstByte + 1 * strideBytes, LE);
        s4_2.intoMemorySegment(dst, dstByte + 2 * strideBytes, LE);
        s4_3.intoMemorySegment(dst, dstByte + 3 * strideBytes, LE);
        s4_4.intoMemorySegment(dst, dstByte + 4 * strideBytes, LE);
        s4_5.intoMemorySegment(dst, dstByte + 5 * strideBytes, LE);
        s4_6.intoMemorySegment(dst, dstByte + 6 * strideBytes, LE);
        s4_7.intoMemorySegment(dst, dstByte + 7 * strideBytes, LE);
        s4_8.intoMemorySegment(dst, dstByte + 8 * strideBytes, LE);
        s4_9.intoMemorySegment(dst, dstByte + 9 * strideBytes, LE);
        s4_10.intoMemorySegment(dst, dstByte + 10 * strideBytes, LE);
        s4_11.intoMemorySegment(dst, dstByte + 11 * strideBytes, LE);
        s4_12.intoMemorySegment(dst, dstByte + 12 * strideBytes, LE);
        s4_13.intoMemorySegment(dst, dstByte + 13 * strideBytes, LE);
        s4_14.intoMemorySegment(dst, dstByte + 14 * strideBytes, LE);
        s4_15.intoMemorySegment(dst, dstByte + 15 * strideBytes, LE);
    }
}
