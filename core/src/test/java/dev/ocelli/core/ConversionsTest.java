package dev.ocelli.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dtype conversions. NaN policy under test: both F16 and BF16 keep a NaN's sign and payload;
 * signalling NaNs (quiet bit clear) come back from a round trip with the quiet bit set
 * (F16: the JDK's float16ToFloat quiets them, like x86 vcvtph2ps; BF16: f32ToBf16 sets the bit).
 */
class ConversionsTest {

    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static boolean isF16NaN(int b) {
        return (b & 0x7C00) == 0x7C00 && (b & 0x03FF) != 0;
    }

    private static boolean isBf16NaN(int b) {
        return (b & 0x7F80) == 0x7F80 && (b & 0x007F) != 0;
    }

    @Test
    void f16RoundTripIsExactForAll65536Patterns() {
        int nans = 0;
        for (int b = 0; b < 65536; b++) {
            short s = (short) b;
            float f = Conversions.f16ToF32(s);
            int back = Conversions.f32ToF16(f) & 0xFFFF;
            if (isF16NaN(b)) {
                nans++;
                assertThat(Float.isNaN(f)).as("%04x", b).isTrue();
                assertThat(back).as("NaN %04x keeps sign and payload, gains quiet bit", b).isEqualTo(b | 0x0200);
            } else {
                assertThat(back).as("%04x", b).isEqualTo(b);
            }
        }
        assertThat(nans).isEqualTo(2 * 1023);
    }

    @Test
    void bf16RoundTripIsExactForAll65536Patterns() {
        for (int b = 0; b < 65536; b++) {
            short s = (short) b;
            float f = Conversions.bf16ToF32(s);
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(b << 16);
            int back = Conversions.f32ToBf16(f) & 0xFFFF;
            if (isBf16NaN(b)) {
                assertThat(back).as("NaN %04x keeps sign and payload, gains quiet bit", b).isEqualTo(b | 0x0040);
            } else {
                assertThat(back).as("%04x", b).isEqualTo(b);
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "3F808000, 3F80", // tie, kept part even: round down
        "3F818000, 3F82", // tie, kept part odd: round up to even
        "3F808001, 3F81", // just above half: up
        "3F807FFF, 3F80", // just below half: down
        "BF818000, BF82", // negative tie rounds magnitude to even
        "7F7FFFFF, 7F80", // FLT_MAX rounds to +Inf
        "FF7FFFFF, FF80", // -FLT_MAX rounds to -Inf
        "7F7F7FFF, 7F7F", // largest value that stays finite
        "7F800000, 7F80", // +Inf
        "FF800000, FF80", // -Inf
        "80000000, 8000", // negative zero keeps its sign
        "00000000, 0000",
        "00000001, 0000", // smallest denormal rounds to zero
        "00008000, 0000", // denormal tie, even: down
        "00018000, 0002", // denormal tie, odd: up
        "807FFFFF, 8080", // largest negative denormal rounds up into the normals
        "7FC00000, 7FC0", // quiet NaN
        "7F800001, 7FC0", // signalling NaN with low payload only: stays NaN (quiet), not Inf
        "FFA12345, FFE1", // negative NaN: sign and top payload kept, quiet bit set
    })
    void f32ToBf16RoundsToNearestEven(String in, String out) {
        float f = Float.intBitsToFloat(Integer.parseUnsignedInt(in, 16));
        assertThat(Conversions.f32ToBf16(f) & 0xFFFF).isEqualTo(Integer.parseInt(out, 16));
    }

    /** Independent reference: pick the nearer of the two neighbours in double, ties to even lsb. */
    private static int referenceBf16(int bits) {
        float v = Float.intBitsToFloat(bits);
        if (Float.isNaN(v)) {
            return ((bits >>> 16) | 0x40) & 0xFFFF;
        }
        int lo = bits >>> 16;
        int hi = lo + 1; // next pattern is the next larger magnitude (sign-magnitude encoding)
        double dv = Math.abs((double) v);
        double dlo = Math.abs((double) Float.intBitsToFloat(lo << 16));
        double dhi = (hi & 0x7FFF) == 0x7F80 ? Math.scalb(1.0, 128) : Math.abs((double) Float.intBitsToFloat(hi << 16));
        if ((lo & 0x7FFF) == 0x7F80) {
            return lo; // infinity
        }
        double dl = dv - dlo;
        double dh = dhi - dv;
        if (dl < dh) {
            return lo;
        }
        if (dh < dl) {
            return hi & 0xFFFF;
        }
        return ((lo & 1) == 0 ? lo : hi) & 0xFFFF;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void f32ToBf16MatchesReferenceOnRandomBits(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 300_000; i++) {
            int bits = r.nextInt();
            if (i % 3 == 0) {
                bits = (bits & 0xFFFF_0000) | (r.nextBoolean() ? 0x8000 : 0x7FFF + r.nextInt(3)); // near ties
            }
            assertThat(Conversions.f32ToBf16(Float.intBitsToFloat(bits)) & 0xFFFF)
                    .as("%08x", bits).isEqualTo(referenceBf16(bits));
        }
    }

    @Test
    void f32ToF16UsesTheJdkRounding() {
        assertThat(Conversions.f32ToF16(1f)).isEqualTo((short) 0x3C00);
        assertThat(Conversions.f32ToF16(65520f)).isEqualTo((short) 0x7C00); // half-ulp above max -> Inf
        assertThat(Conversions.f32ToF16(-0f)).isEqualTo((short) 0x8000);
        assertThat(Conversions.f16ToF32((short) 0x0001)).isEqualTo(0x1p-24f);
    }

    /** A segment holding every 16-bit pattern, little-endian, starting at an odd byte offset. */
    private static MemorySegment allPatterns(int lead) {
        MemorySegment seg = MemorySegment.ofArray(new byte[lead + 2 * 65536]);
        for (int b = 0; b < 65536; b++) {
            seg.set(LE_SHORT, lead + 2L * b, (short) b);
        }
        // spot-check the byte order we wrote: low byte first
        assertThat(seg.get(ValueLayout.JAVA_BYTE, lead + 2L * 0x1234)).isEqualTo((byte) 0x34);
        return seg;
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {0, 1, 2, 3, 13, 2047, 2048, 4097, 65529})
    void bulkMatchesScalarAtAwkwardSizesAndOffsets(int n) {
        MemorySegment seg = allPatterns(3);
        float[] bf = new float[n + 5];
        float[] hf = new float[n + 5];
        Conversions.bf16ToF32(seg, 3 + 2L * 7, bf, 5, n);
        Conversions.f16ToF32(seg, 3 + 2L * 7, hf, 5, n);
        for (int i = 0; i < n; i++) {
            short s = (short) (i + 7);
            assertThat(Float.floatToRawIntBits(bf[5 + i])).isEqualTo(Float.floatToRawIntBits(Conversions.bf16ToF32(s)));
            assertThat(Float.floatToRawIntBits(hf[5 + i])).isEqualTo(Float.floatToRawIntBits(Conversions.f16ToF32(s)));
        }
        for (int i = 0; i < 5; i++) {
            assertThat(bf[i]).isZero();
            assertThat(hf[i]).isZero();
        }
    }

    @Test
    void bulkF32I64U8AreLittleEndian() {
        MemorySegment seg = MemorySegment.ofArray(new byte[1 + 8 * 2]);
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 1, -5L);
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 9, 1L << 40);
        float[] out = new float[2];
        Conversions.i64ToF32(seg, 1, out, 0, 2);
        assertThat(out).containsExactly(-5f, 0x1p40f);

        MemorySegment f = MemorySegment.ofArray(new byte[] {0, 0, 0, 0, (byte) 0x80, 0x3F, 0});
        float[] one = new float[1];
        Conversions.f32ToF32(f, 2, one, 0, 1); // bytes 00 00 80 3F = 1.0f little-endian
        assertThat(one[0]).isEqualTo(1f);

        MemorySegment u = MemorySegment.ofArray(new byte[] {0, 1, (byte) 200, (byte) 255});
        float[] uo = new float[4];
        Conversions.u8ToF32(u, 0, uo, 0, 4);
        assertThat(uo).containsExactly(0, 1, 200, 255);
    }

    @Test
    void fromF32RoundTripsThroughEveryDtype() {
        float[] src = {0f, 1f, -2.5f, 3.75f, 255f, 1e-3f};
        for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            MemorySegment seg = MemorySegment.ofArray(new byte[1 + dt.byteSize() * src.length]);
            Conversions.fromF32(dt, src, 0, seg, 1, src.length);
            float[] back = new float[src.length];
            Conversions.toF32(dt, seg, 1, back, 0, src.length);
            for (int i = 0; i < src.length; i++) {
                float expect = switch (dt) {
                    case F16 -> Conversions.f16ToF32(Conversions.f32ToF16(src[i]));
                    case BF16 -> Conversions.bf16ToF32(Conversions.f32ToBf16(src[i]));
                    default -> src[i];
                };
                assertThat(back[i]).as("%s %s", dt, src[i]).isEqualTo(expect);
            }
        }
        float[] ints = {0f, 1.9f, -1.9f, 300f, 255f};
        MemorySegment l = MemorySegment.ofArray(new byte[8 * ints.length]);
        Conversions.fromF32(DType.I64, ints, 0, l, 0, ints.length);
        float[] lb = new float[ints.length];
        Conversions.toF32(DType.I64, l, 0, lb, 0, ints.length);
        assertThat(lb).containsExactly(0f, 1f, -1f, 300f, 255f); // truncation toward zero
        MemorySegment b = MemorySegment.ofArray(new byte[ints.length]);
        Conversions.fromF32(DType.U8, ints, 0, b, 0, ints.length);
        float[] bb = new float[ints.length];
        Conversions.toF32(DType.U8, b, 0, bb, 0, ints.length);
        assertThat(bb).containsExactly(0f, 1f, 255f, 44f, 255f); // -1 and 300 wrap modulo 256
    }

    @Test
    void tensorToConvertsAndReturnsThisForSameDtype() {
        Tensor t = Tensor.of(new float[] {1f, 1.00390625f, -3f, 0.1f}, 2, 2);
        assertThat(t.to(DType.F32)).isSameAs(t);
        Tensor b = t.to(DType.BF16);
        assertThat(b.dtype()).isEqualTo(DType.BF16);
        assertThat(b.storage().byteSize()).isEqualTo(8);
        assertThat(b.to(DType.BF16)).isSameAs(b);
        // 1.00390625 = 0x3F808000 is a tie and rounds down to 1.0; 0.1 -> 0x3DCD = 0.10009765625
        assertThat(b.toFloatArray()).containsExactly(1f, 1f, -3f, 0.10009765625f);
        assertThat(t.to(DType.F16).toFloatArray()).containsExactly(1f, 1.00390625f, -3f, Conversions.f16ToF32((short) 0x2E66));
        assertThat(t.transpose(0, 1).to(DType.I64).toFloatArray()).containsExactly(1f, -3f, 1f, 0f);
        assertThat(b.to(DType.F32).toFloatArray()).containsExactly(1f, 1f, -3f, 0.10009765625f);
        // non-F32 tensors: views, get/set, contiguous keep the dtype
        Tensor bt = b.transpose(0, 1);
        assertThat(bt.get(0, 1)).isEqualTo(-3f);
        Tensor bc = bt.contiguous();
        assertThat(bc.dtype()).isEqualTo(DType.BF16);
        assertThat(bc.toFloatArray()).containsExactly(1f, -3f, 1f, 0.10009765625f);
        bc.set(2f, 1, 1);
        assertThat(bc.get(1, 1)).isEqualTo(2f);
    }
}
