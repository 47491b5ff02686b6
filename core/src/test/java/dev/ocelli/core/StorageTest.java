package dev.ocelli.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {

    @Test
    void heapF32WrapsWithoutCopy() {
        float[] d = {1, 2, 3};
        Storage s = Storage.ofFloats(d);
        assertThat(s.floatArray()).isSameAs(d);
        assertThat(s.dtype()).isEqualTo(DType.F32);
        assertThat(s.byteSize()).isEqualTo(12);
        assertThat(s.elements()).isEqualTo(3);
        assertThat(s.segment().byteSize()).isEqualTo(12);
        s.setFloat(1, 9f);
        assertThat(d[1]).isEqualTo(9f);
    }

    @Test
    void allocateIsZeroedAndTyped() {
        Storage f = Storage.allocate(DType.F32, 4);
        assertThat(f.floatArray()).containsExactly(0, 0, 0, 0);
        Storage h = Storage.allocate(DType.BF16, 5);
        assertThat(h.floatArray()).isNull();
        assertThat(h.byteSize()).isEqualTo(10);
        assertThat(h.elements()).isEqualTo(5);
        h.setFloat(4, -2f);
        assertThat(h.getFloat(4)).isEqualTo(-2f);
        assertThat(h.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 9)).isEqualTo((byte) 0xC0); // LE high byte
        assertThatThrownBy(() -> Storage.allocate(DType.F32, 1L << 32)).isInstanceOf(OcelliException.class)
                .hasMessageContaining("4294967296");
    }

    @Test
    void ofSegmentChecksWholeElements() {
        assertThatThrownBy(() -> Storage.ofSegment(MemorySegment.ofArray(new byte[7]), DType.F32))
                .isInstanceOf(OcelliException.class)
                .hasMessage("segment of 7 bytes is not a whole number of F32 elements (4 bytes each)");
    }

    @Test
    void mappedFileIsReadInPlaceLittleEndian(@TempDir Path dir) throws IOException {
        // header-like prefix of 3 bytes, then F32 [2,3] and BF16 [3], both little-endian and unaligned
        ByteBuffer bb = ByteBuffer.allocate(3 + 24 + 6).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {1, 2, 3});
        for (int i = 0; i < 6; i++) {
            bb.putFloat(i * 1.5f);
        }
        bb.putShort((short) 0x3F80).putShort((short) 0xC040).putShort((short) 0x7F80);
        Path file = dir.resolve("t.bin");
        Files.write(file, bb.array());
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            Storage f32 = Storage.ofSegment(all.asSlice(3, 24), DType.F32);
            assertThat(f32.floatArray()).isNull();
            assertThat(f32.isReadOnly()).isTrue();
            Tensor t = Tensor.wrap(f32, Layout.contiguous(2, 3));
            assertThat(t.get(1, 2)).isEqualTo(7.5f);
            assertThat(t.toFloatArray()).containsExactly(0f, 1.5f, 3f, 4.5f, 6f, 7.5f);
            assertThat(t.transpose(0, 1).contiguous().toFloatArray()).containsExactly(0f, 4.5f, 1.5f, 6f, 3f, 7.5f);
            assertThat(t.add(t).toFloatArray()).containsExactly(0f, 3f, 6f, 9f, 12f, 15f);
            assertThatThrownBy(() -> t.set(1f, 0, 0)).isInstanceOf(OcelliException.class)
                    .hasMessageContaining("read-only");
            // mapped F32 -> heap F32 copies: bulk rows, strided elements, and concat mixing both kinds
            Tensor h = Tensor.zeros(2, 4);
            h.narrow(1, 1, 3).copyFrom(t);
            assertThat(h.toFloatArray()).containsExactly(0f, 0f, 1.5f, 3f, 0f, 4.5f, 6f, 7.5f);
            Tensor ht = Tensor.zeros(3, 2);
            ht.copyFrom(t.transpose(0, 1));
            assertThat(ht.toFloatArray()).containsExactly(0f, 4.5f, 1.5f, 6f, 3f, 7.5f);
            assertThat(Tensor.concat(0, t, h.narrow(1, 0, 3)).toFloatArray())
                    .containsExactly(0f, 1.5f, 3f, 4.5f, 6f, 7.5f, 0f, 0f, 1.5f, 0f, 4.5f, 6f);
            assertThatThrownBy(() -> t.copyFrom(h.narrow(1, 0, 3))).isInstanceOf(OcelliException.class)
                    .hasMessage("cannot write to read-only F32 tensor [2,3]");

            Tensor b = Tensor.wrap(Storage.ofSegment(all.asSlice(27, 6), DType.BF16), Layout.contiguous(3));
            assertThat(b.toFloatArray()).containsExactly(1f, -3f, Float.POSITIVE_INFINITY);
            assertThat(b.to(DType.F32).toFloatArray()).containsExactly(1f, -3f, Float.POSITIVE_INFINITY);
            assertThat(b.narrow(0, 1, 2).contiguous()).extracting(Tensor::toFloatArray)
                    .isEqualTo(new float[] {-3f, Float.POSITIVE_INFINITY});
        }
    }
}
