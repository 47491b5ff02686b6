package dev.ocelli.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Element conversions between the storage dtypes and F32, one value at a time and in bulk from
 * little-endian memory segments (safetensors is little-endian whatever the host).
 *
 * <p>F16 uses the JDK's {@link Float#float16ToFloat} / {@link Float#floatToFloat16} (IEEE
 * binary16, round-to-nearest-even; HotSpot compiles them to F16C instructions). BF16 is the top
 * half of an F32: widening is a shift, narrowing rounds to nearest-even exactly like PyTorch's
 * {@code c10::BFloat16} except for NaN, where PyTorch returns the canonical 0x7FC0 and we keep
 * sign and upper payload bits and set the quiet bit (so quiet NaNs round-trip bit-exactly,
 * signalling NaNs come back quiet).
 *
 * <p>The bulk methods copy a chunk of the segment into a primitive array with one
 * {@link MemorySegment#copy} (a bounds check per chunk, not per element) and widen from there.
 * Plain scalar Java: core must not depend on the incubating Vector API.
 */
public final class Conversions {

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Elements per bulk chunk: 2-16 KB of scratch per call, so it stays in L1 while widening. */
    private static final int CHUNK = 2048;

    private Conversions() {
    }

    // ---- one value ----

    public static float bf16ToF32(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** F32 to BF16 with round-to-nearest-even; overflow goes to ±Inf, NaN stays a (quiet) NaN. */
    public static short f32ToBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            // NaN: truncating could clear every payload bit left and turn it into Inf, so set quiet bit.
            return (short) ((bits >>> 16) | 0x0040);
        }
        // Adding 0x7FFF rounds up strictly-above-half; the extra lsb of the kept part breaks ties to even.
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    public static float f16ToF32(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** F32 to IEEE half with round-to-nearest-even (the JDK's conversion). */
    public static short f32ToF16(float v) {
        return Float.floatToFloat16(v);
    }

    // ---- bulk, little-endian segment -> float[] ----

    /** Widens {@code n} little-endian BF16 values at byte {@code srcByteOff} into {@code dst}. */
    public static void bf16ToF32(MemorySegment src, long srcByteOff, float[] dst, int dstOff, int n) {
        checkRange(dst, dstOff, n);
        // Read pairs as one int: the low half is element 2j, the high half element 2j+1.
        int pairs = n >>> 1;
        int[] buf = new int[Math.min(Math.max(pairs, 1), CHUNK)];
        for (int done = 0; done < pairs; ) {
            int m = Math.min(buf.length, pairs - done);
            MemorySegment.copy(src, LE_INT, srcByteOff + 4L * done, buf, 0, m);
            int o = dstOff + 2 * done;
            for (int j = 0; j < m; j++) {
                int w = buf[j];
                dst[o + 2 * j] = Float.intBitsToFloat(w << 16);
                dst[o + 2 * j + 1] = Float.intBitsToFloat(w & 0xFFFF_0000);
            }
            done += m;
        }
        if ((n & 1) != 0) { // scalar tail
            dst[dstOff + n - 1] = bf16ToF32(src.get(LE_SHORT, srcByteOff + 2L * (n - 1)));
        }
    }

    /** Widens {@code n} little-endian F16 values at byte {@code srcByteOff} into {@code dst}. */
    public static void f16ToF32(MemorySegment src, long srcByteOff, float[] dst, int dstOff, int n) {
        checkRange(dst, dstOff, n);
        short[] buf = new short[Math.min(Math.max(n, 1), CHUNK)];
        for (int done = 0; done < n; ) {
            int m = Math.min(buf.length, n - done);
            MemorySegment.copy(src, LE_SHORT, srcByteOff + 2L * done, buf, 0, m);
            int o = dstOff + done;
            for (int j = 0; j < m; j++) {
                dst[o + j] = Float.float16ToFloat(buf[j]);
            }
            done += m;
        }
    }

    /** Copies {@code n} little-endian F32 values (one bulk copy, byte-swapped only on BE hosts). */
    public static void f32ToF32(MemorySegment src, long srcByteOff, float[] dst, int dstOff, int n) {
        MemorySegment.copy(src, LE_FLOAT, srcByteOff, dst, dstOff, n);
    }

    /** Converts {@code n} little-endian I64 values to the nearest F32 (exact up to 2^24). */
    public static void i64ToF32(MemorySegment src, long srcByteOff, float[] dst, int dstOff, int n) {
        checkRange(dst, dstOff, n);
        long[] buf = new long[Math.min(Math.max(n, 1), CHUNK)];
        for (int done = 0; done < n; ) {
            int m = Math.min(buf.length, n - done);
            MemorySegment.copy(src, LE_LONG, srcByteOff + 8L * done, buf, 0, m);
            int o = dstOff + done;
            for (int j = 0; j < m; j++) {
                dst[o + j] = (float) buf[j];
            }
            done += m;
        }
    }

    /** Converts {@code n} unsigned bytes to F32. */
    public static void u8ToF32(MemorySegment src, long srcByteOff, float[] dst, int dstOff, int n) {
        checkRange(dst, dstOff, n);
        byte[] buf = new byte[Math.min(Math.max(n, 1), CHUNK * 4)];
        for (int done = 0; done < n; ) {
            int m = Math.min(buf.length, n - done);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcByteOff + done, buf, 0, m);
            int o = dstOff + done;
            for (int j = 0; j < m; j++) {
                dst[o + j] = buf[j] & 0xFF;
            }
            done += m;
        }
    }

    /** Dispatches to the bulk widening for {@code dtype} (F32, F16, BF16, I64, U8). */
    public static void toF32(DType dtype, MemorySegment src, long srcByteOff, float[] dst, int dstOff, int n) {
        switch (dtype) {
            case F32 -> f32ToF32(src, srcByteOff, dst, dstOff, n);
            case F16 -> f16ToF32(src, srcByteOff, dst, dstOff, n);
            case BF16 -> bf16ToF32(src, srcByteOff, dst, dstOff, n);
            case I64 -> i64ToF32(src, srcByteOff, dst, dstOff, n);
            case U8 -> u8ToF32(src, srcByteOff, dst, dstOff, n);
            default -> throw new OcelliException("cannot convert " + dtype + " to F32");
        }
    }

    // ---- bulk, float[] -> little-endian segment ----

    /**
     * Narrows {@code n} floats into {@code dtype} at byte {@code dstByteOff}. F16/BF16 round to
     * nearest-even; I64 and U8 truncate toward zero like PyTorch's {@code .to()}, U8 wrapping
     * modulo 256 (out-of-range values are undefined in PyTorch; this is what it does on x86).
     */
    public static void fromF32(DType dtype, float[] src, int srcOff, MemorySegment dst, long dstByteOff, int n) {
        checkRange(src, srcOff, n);
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, srcOff, dst, LE_FLOAT, dstByteOff, n);
            case F16 -> {
                short[] buf = new short[Math.min(Math.max(n, 1), CHUNK)];
                for (int done = 0; done < n; done += buf.length) {
                    int m = Math.min(buf.length, n - done);
                    for (int j = 0; j < m; j++) {
                        buf[j] = Float.floatToFloat16(src[srcOff + done + j]);
                    }
                    MemorySegment.copy(buf, 0, dst, LE_SHORT, dstByteOff + 2L * done, m);
                }
            }
            case BF16 -> {
                short[] buf = new short[Math.min(Math.max(n, 1), CHUNK)];
                for (int done = 0; done < n; done += buf.length) {
                    int m = Math.min(buf.length, n - done);
                    for (int j = 0; j < m; j++) {
                        buf[j] = f32ToBf16(src[srcOff + done + j]);
                    }
                    MemorySegment.copy(buf, 0, dst, LE_SHORT, dstByteOff + 2L * done, m);
                }
            }
            case I64 -> {
                for (int j = 0; j < n; j++) {
                    dst.set(LE_LONG, dstByteOff + 8L * j, (long) src[srcOff + j]);
                }
            }
            case U8 -> {
                for (int j = 0; j < n; j++) {
                    dst.set(ValueLayout.JAVA_BYTE, dstByteOff + j, (byte) (long) src[srcOff + j]);
                }
            }
            default -> throw new OcelliException("cannot convert F32 to " + dtype);
        }
    }

    private static void checkRange(float[] a, int off, int n) {
        if (n < 0 || off < 0 || off > a.length - n) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + "+" + n + ") outside float[" + a.length + "]");
        }
    }
}
