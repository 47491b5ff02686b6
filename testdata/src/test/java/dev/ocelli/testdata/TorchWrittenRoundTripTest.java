package dev.ocelli.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.core.Conversions;
import dev.ocelli.core.DType;
import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsCheckpoint;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files PyTorch wrote must read back bit-exactly (testdata/gen/safetensors_io.py).
 *
 * <p>Every float tensor X in roundtrip/torch_written comes with X.bits, its bit patterns as I64
 * taken in torch by viewing the memory as an integer type. Reading X through Ocelli and taking
 * its raw bits must reproduce X.bits; the I64 path shares nothing with the float path. The
 * "specials" are also checked against literal bit patterns repeated here, so a generator bug
 * cannot hide a reader bug.
 */
class TorchWrittenRoundTripTest {

    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static ReferenceCase c;

    @BeforeAll
    static void open() {
        c = ReferenceData.load("roundtrip/torch_written");
    }

    @AfterAll
    static void close() {
        c.close();
    }

    /** Bit patterns of a float tensor as stored (F32: 32 bits, F16/BF16: 16 bits, unsigned). */
    private static long[] rawBits(String name) {
        MemorySegment seg = c.file().bytes(name);
        DType dt = c.file().info(name).dtype();
        int n = (int) (seg.byteSize() / dt.byteSize());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dt) {
                case F32 -> Integer.toUnsignedLong(seg.getAtIndex(I32_LE, i));
                case F16, BF16 -> Short.toUnsignedLong(seg.getAtIndex(I16_LE, i));
                default -> throw new AssertionError(name + ": not a float dtype: " + dt);
            };
        }
        return out;
    }

    private static long[] longs(String name) {
        Tensor t = c.tensor(name);
        assertThat(t.dtype()).as(name).isEqualTo(DType.I64);
        MemorySegment seg = t.storage().segment();
        long[] out = new long[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = seg.getAtIndex(I64_LE, i);
        }
        return out;
    }

    /** The float value Ocelli decodes (Tensor.get, i.e. dtype conversion to F32), as raw bits. */
    private static int[] decodedBits(String name) {
        Tensor t = c.tensor(name);
        float[] f = t.toFloatArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32.specials", "f16.specials", "bf16.specials", "f32.random", "f16.random",
        "bf16.random", "f32.transposed", "f32.scalar", "f32.empty", "conv.source", "conv.to_bf16", "conv.to_f16"})
    void storedBitsEqualTorchsBitPatterns(String name) {
        assertThat(rawBits(name)).as(name).containsExactly(longs(name + ".bits"));
    }

    @Test
    void specialsHoldTheLiteralBitPatterns() {
        assertThat(rawBits("f32.specials")).containsExactly(
                0x00000000L, 0x80000000L, 0x3F800000L, 0xBF800000L, 0x7F800000L, 0xFF800000L, 0x7FC00000L,
                0xFFC00000L, 0x7F800001L, 0x7FC12345L, 0x00000001L, 0x007FFFFFL, 0x80000001L, 0x00800000L,
                0x7F7FFFFFL, 0xFF7FFFFFL, 0x3EAAAAABL);
        assertThat(rawBits("f16.specials")).containsExactly(
                0x0000L, 0x8000L, 0x3C00L, 0xBC00L, 0x7C00L, 0xFC00L, 0x7E00L, 0xFE00L, 0x7D01L, 0x0001L, 0x03FFL,
                0x8001L, 0x0400L, 0x7BFFL, 0xFBFFL, 0x3555L);
        assertThat(rawBits("bf16.specials")).containsExactly(
                0x0000L, 0x8000L, 0x3F80L, 0xBF80L, 0x7F80L, 0xFF80L, 0x7FC0L, 0xFFC0L, 0x7F81L, 0x0001L, 0x007FL,
                0x8001L, 0x0080L, 0x7F7FL, 0xFF7FL, 0x3EABL);
    }

    @Test
    void f32DecodesToTheSameBitsIncludingNanPayloadsAndDenormals() {
        for (String name : List.of("f32.specials", "f32.random", "f32.transposed", "f32.scalar")) {
            long[] bits = longs(name + ".bits");
            int[] got = decodedBits(name);
            for (int i = 0; i < bits.length; i++) {
                assertThat(Integer.toUnsignedLong(got[i])).as("%s[%d]", name, i).isEqualTo(bits[i]);
            }
        }
    }

    /** Ocelli's F16/BF16 -> F32 widening must equal torch's .float(), bit for bit (NaNs: still NaN). */
    @ParameterizedTest
    @ValueSource(strings = {"f16.specials", "bf16.specials", "f16.random", "bf16.random"})
    void halfWideningMatchesTorch(String name) {
        int[] got = decodedBits(name);
        long[] torchBits = longs(name + ".bits"); // the 16-bit patterns, to name a failing NaN
        float[] torchF32 = c.floats(name + ".as_f32");
        for (int i = 0; i < got.length; i++) {
            float want = torchF32[i];
            if (Float.isNaN(want)) {
                assertThat(Float.isNaN(Float.intBitsToFloat(got[i]))).as("%s[%d] (bits %x) is NaN", name, i, torchBits[i]).isTrue();
            } else {
                assertThat(got[i]).as("%s[%d] = %s", name, i, want).isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }

    /** F32 -> BF16 / F16 round to nearest even exactly as torch does, on tie and overflow cases. */
    @Test
    void narrowingMatchesTorchRounding() {
        float[] src = c.floats("conv.source");
        long[] toBf16 = rawBits("conv.to_bf16");
        long[] toF16 = rawBits("conv.to_f16");
        Tensor asBf16 = c.tensor("conv.source").to(DType.BF16);
        Tensor asF16 = c.tensor("conv.source").to(DType.F16);
        for (int i = 0; i < src.length; i++) {
            String what = String.format("conv.source[%d] = %s (0x%08X)", i, src[i], Float.floatToRawIntBits(src[i]));
            int bf = Short.toUnsignedInt(Conversions.f32ToBf16(src[i]));
            int hf = Short.toUnsignedInt(Conversions.f32ToF16(src[i]));
            int bfT = Short.toUnsignedInt(asBf16.storage().segment().getAtIndex(I16_LE, i));
            int hfT = Short.toUnsignedInt(asF16.storage().segment().getAtIndex(I16_LE, i));
            if (Float.isNaN(src[i])) {
                assertThat(Float.isNaN(Conversions.bf16ToF32((short) bf))).as(what).isTrue();
                assertThat(Float.isNaN(Conversions.f16ToF32((short) hf))).as(what).isTrue();
                continue;
            }
            assertThat((long) bf).as("BF16 of " + what).isEqualTo(toBf16[i]);
            assertThat((long) bfT).as("Tensor.to(BF16) of " + what).isEqualTo(toBf16[i]);
            assertThat((long) hf).as("F16 of " + what).isEqualTo(toF16[i]);
            assertThat((long) hfT).as("Tensor.to(F16) of " + what).isEqualTo(toF16[i]);
        }
    }

    @Test
    void integerDtypesAndShapes() {
        assertThat(longs("i64.values")).containsExactly(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, 1L,
                (1L << 53) + 1, -(1L << 31), 1L << 32, 0x0102030405060708L);
        assertThat(c.tensor("i64.random").shape()).containsExactly(2, 6);
        assertThat(c.tensor("i64.empty").shape()).containsExactly(0);

        Tensor u8 = c.tensor("u8.all");
        assertThat(u8.dtype()).isEqualTo(DType.U8);
        assertThat(u8.shape()).containsExactly(16, 16);
        for (int i = 0; i < 256; i++) {
            assertThat(u8.get(i / 16, i % 16)).as("u8.all[%d]", i).isEqualTo((float) i);
        }

        Tensor tr = c.tensor("f32.transposed"); // torch: arange(12).reshape(3,4).t()
        assertThat(tr.shape()).containsExactly(4, 3);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(tr.get(i, j)).as("[%d,%d]", i, j).isEqualTo(4f * j + i);
            }
        }
        Tensor s = c.tensor("f32.scalar");
        assertThat(s.rank()).isZero();
        assertThat(s.get()).isEqualTo(3.5f);
        assertThat(c.tensor("f32.empty").shape()).containsExactly(0, 3);
        assertThat(c.tensor("f32.empty").toFloatArray()).isEmpty();
    }

    @Test
    void metadataIsStampedAndUnicodeSurvives() {
        assertThat(c.meta("generator_version")).isEqualTo("1");
        assertThat(c.meta("torch_version")).startsWith("1.");
        assertThat(c.meta("group")).isEqualTo("safetensors_io");
        assertThat(c.meta("unicode")).isEqualTo("ÿ ✓ 日本");
    }

    @Test
    void shardedCheckpointFromTorchReadsThroughTheIndex() {
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(ReferenceData.root().resolve("roundtrip/torch_sharded"))) {
            assertThat(ck.names()).containsExactlyInAnyOrder("encoder.layer.0.weight", "encoder.layer.0.bias",
                    "encoder.layer.1.weight", "head.weight", "head.steps");
            assertThat(ck.fileOf("encoder.layer.0.bias").getFileName()).hasToString("model-00001-of-00002.safetensors");
            assertThat(ck.fileOf("head.weight").getFileName()).hasToString("model-00002-of-00002.safetensors");
            assertThat(ck.tensor("encoder.layer.1.weight").dtype()).isEqualTo(DType.BF16);
            assertThat(ck.tensor("head.weight").dtype()).isEqualTo(DType.F16);
            assertThat(ck.tensor("head.weight").shape()).containsExactly(2, 4);
            assertThat(ck.tensor("head.steps").get(0)).isEqualTo(7f);
        }
    }
}
