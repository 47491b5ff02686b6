package dev.ocelli.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.core.DType;
import dev.ocelli.core.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maps a sparse file over 3 GiB: the reader must not be limited to 2 GB (ByteBuffer's int
 * indices) and must not touch the data it does not read. Skipped when the file system cannot
 * hold such a file.
 */
class SafetensorsLargeFileTest {

    @TempDir
    Path dir;

    @Test
    void mapsA3GiBSparseFileAndReadsAtTheFarEnd() throws IOException {
        long bigElems = 805_306_368L; // [805306368] F32 = 3 GiB
        long bigBytes = bigElems * 4;
        String json = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + bigElems + "],\"data_offsets\":[0," + bigBytes
                + "]},\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + bigBytes + "," + (bigBytes + 8) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        int n = (header.length + 7) & ~7;
        long dataStart = 8 + n;
        long size = dataStart + bigBytes + 8;

        Path f = dir.resolve("sparse.safetensors");
        FileStore store = Files.getFileStore(dir);
        Assumptions.assumeTrue(store.getUsableSpace() > 64L << 20, "need some free space in " + dir);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            try {
                raf.setLength(size);
            } catch (IOException e) {
                Assumptions.abort("file system refuses a " + size + "-byte sparse file: " + e.getMessage());
            }
            ByteBuffer head = ByteBuffer.allocate((int) dataStart).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(n).put(header);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            raf.seek(0);
            raf.write(head.array());
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.25f).putFloat(-7f);
            raf.seek(dataStart + bigBytes);
            raf.write(tail.array());
            // last element of "big", just before the tail
            raf.seek(dataStart + bigBytes - 4);
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(42f).array());
        }
        try {
            try (SafetensorsFile sf = SafetensorsFile.open(f)) {
                assertThat(sf.tensors()).extracting(TensorInfo::name).containsExactly("big", "tail");
                Tensor big = sf.tensor("big");
                assertThat(big.dtype()).isEqualTo(DType.F32);
                assertThat(big.numel()).isEqualTo(bigElems);
                assertThat(big.get(bigElems - 1)).isEqualTo(42f);
                assertThat(big.get(bigElems / 2)).isEqualTo(0f); // a hole reads as zero
                assertThat(sf.tensor("tail").toFloatArray()).containsExactly(1.25f, -7f);
                assertThat(sf.header().dataLength()).isEqualTo(bigBytes + 8);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
