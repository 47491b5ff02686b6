package dev.ocelli.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.DType;
import dev.ocelli.core.Layout;
import dev.ocelli.core.OcelliException;
import dev.ocelli.core.Storage;
import dev.ocelli.core.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** write -> read round trips, layout details of written files, and the reader's API. */
class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    static Stream<DType> supported() {
        return Stream.of(DType.values()).filter(DType::isSupported);
    }

    /** A contiguous heap tensor of {@code dtype} filled with seeded random bytes. */
    static Tensor randomBytes(DType dtype, long seed, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        Storage s = Storage.allocate(dtype, n);
        byte[] b = new byte[(int) (n * dtype.byteSize())];
        new Random(seed).nextBytes(b);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, s.segment(), 0, b.length);
        return Tensor.wrap(s, Layout.contiguous(shape));
    }

    static byte[] bytesOf(Tensor t) {
        Layout l = t.layout();
        return t.storage().segment().asSlice(l.offset() * t.dtype().byteSize(), t.numel() * t.dtype().byteSize())
                .toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @MethodSource("supported")
    void everySupportedDTypeRoundTripsBitExactAndZeroCopy(DType dtype) {
        Tensor a = randomBytes(dtype, 1, 3, 5);
        Tensor b = randomBytes(dtype, 2, 7);
        Path f = dir.resolve("rt.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("blocks.0.weight", a);
        m.put("blocks.0.bias", b);
        SafetensorsWriter.write(f, m, Map.of());
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.names()).containsExactly("blocks.0.weight", "blocks.0.bias");
            TensorInfo info = sf.info("blocks.0.weight");
            assertThat(info.dtype()).isEqualTo(dtype);
            assertThat(info.shape()).containsExactly(3, 5);
            assertThat(info.byteSize()).isEqualTo(15L * dtype.byteSize());
            Tensor ra = sf.tensor("blocks.0.weight");
            assertThat(ra.dtype()).isEqualTo(dtype);
            assertThat(ra.shape()).containsExactly(3, 5);
            assertThat(ra.storage().segment().isMapped()).as("zero-copy view of the mapping").isTrue();
            assertThat(bytesOf(ra)).isEqualTo(bytesOf(a));
            assertThat(bytesOf(sf.tensor("blocks.0.bias"))).isEqualTo(bytesOf(b));
            if (dtype != DType.F32) {
                // element access goes through the same LE conversions as the source
                assertThat(ra.get(2, 4)).isEqualTo(a.get(2, 4), org.assertj.core.api.Assertions.withPrecision(0f));
            }
        }
    }

    @Test
    void f32ValuesAndMetadataRoundTrip() {
        float[] v = {1.5f, -2f, Float.NaN, Float.POSITIVE_INFINITY, -0f, Float.MIN_VALUE};
        Path f = dir.resolve("m.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "unicode \u00e9\u4e2d \"quoted\" \\ newline\n");
        SafetensorsWriter.write(f, Map.of("x", Tensor.of(v, 2, 3)), meta);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.metadata()).containsExactlyEntriesOf(meta);
            assertThat(sf.tensor("x").toFloatArray()).usingElementComparator(Float::compare).containsExactly(v);
            assertThat(sf.path()).isEqualTo(f);
        }
    }

    @Test
    void headerIsSpacePaddedToMultipleOf8AndDataFollowsInOrder() throws IOException {
        Path f = dir.resolve("p.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("b", Tensor.of(new float[] {1, 2, 3}, 3));
        m.put("a", Tensor.of(new float[] {4}, 1));
        SafetensorsWriter.write(f, m, Map.of("format", "pt"));
        byte[] all = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}");
        assertThat(header.strip()).endsWith("}");
        assertThat(header.substring(header.strip().length())).matches(" *");
        assertThat(all.length).isEqualTo(8 + n + 16);
        ByteBuffer data = ByteBuffer.wrap(all, (int) (8 + n), 16).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {data.getFloat(), data.getFloat(), data.getFloat(), data.getFloat()})
                .containsExactly(1, 2, 3, 4);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            // tensors() is file order of offsets, not alphabetical
            assertThat(sf.tensors()).extracting(TensorInfo::name).containsExactly("b", "a");
        }
    }

    @Test
    void zeroSizedTensorsAndScalars() {
        Path f = dir.resolve("z.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("empty0", Tensor.zeros(0));
        m.put("s", Tensor.scalar(3.25f));
        m.put("empty1", Tensor.zeros(2, 0, 3));
        m.put("bf16_scalar", Tensor.scalar(-1.5f).to(DType.BF16));
        m.put("empty2", Tensor.zeros(DType.I64, 0, 4));
        SafetensorsWriter.write(f, m, null);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.metadata()).isEmpty();
            assertThat(sf.tensor("s").rank()).isZero();
            assertThat(sf.tensor("s").get()).isEqualTo(3.25f);
            assertThat(sf.tensor("bf16_scalar").get()).isEqualTo(-1.5f);
            assertThat(sf.tensor("empty1").shape()).containsExactly(2, 0, 3);
            assertThat(sf.tensor("empty1").numel()).isZero();
            assertThat(sf.info("empty2").byteSize()).isZero();
            assertThat(sf.tensors()).hasSize(5);
        }
    }

    @Test
    void fileWithOnlyMetadataOrNothing() throws IOException {
        Path f = dir.resolve("meta.safetensors");
        SafetensorsWriter.write(f, Map.of(), Map.of("format", "pt"));
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.tensors()).isEmpty();
            assertThat(sf.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(sf.header().dataLength()).isZero();
        }
        Path g = dir.resolve("nothing.safetensors");
        SafetensorsWriter.write(g, Map.of(), Map.of());
        assertThat(Files.readAllBytes(g)).hasSize(16);
        try (SafetensorsFile sf = SafetensorsFile.open(g)) {
            assertThat(sf.tensors()).isEmpty();
            assertThat(sf.metadata()).isEmpty();
        }
    }

    @Test
    void nonContiguousTensorsAreWrittenInCOrder() {
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Tensor base = Tensor.of(v, 2, 3, 4);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("permuted", base.permute(2, 0, 1));
        m.put("sliced", base.slice(2, 1, 4, 2));
        m.put("narrowed", base.narrow(0, 1, 1));
        m.put("expanded", Tensor.of(new float[] {7, 8}, 2, 1).expand(2, 5));
        m.put("bf16_transposed", base.to(DType.BF16).transpose(0, 2));
        Path f = dir.resolve("nc.safetensors");
        SafetensorsWriter.write(f, m, Map.of());
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            for (Map.Entry<String, Tensor> e : m.entrySet()) {
                Tensor r = sf.tensor(e.getKey());
                assertThat(r.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
                assertThat(r.toFloatArray()).as(e.getKey()).containsExactly(e.getValue().toFloatArray());
            }
        }
    }

    @Test
    void largeNonContiguousTensorCrossesTheGatherChunk() {
        // 600 x 700 F32 = 1.68 MB > the 1 MB gather buffer, transposed so every element is gathered
        float[] v = new float[600 * 700];
        Random r = new Random(5);
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        Tensor t = Tensor.of(v, 600, 700).transpose(0, 1);
        Path f = dir.resolve("big.safetensors");
        SafetensorsWriter.write(f, Map.of("t", t, "c", Tensor.of(v, 600, 700)), Map.of());
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.tensor("t").toFloatArray()).isEqualTo(t.toFloatArray());
            assertThat(sf.tensor("c").toFloatArray()).isEqualTo(v);
        }
    }

    @Test
    void overwriteIsAtomicAndLeavesNoTempFiles() throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafetensorsWriter.write(f, Map.of("x", Tensor.of(new float[] {1, 2}, 2)), Map.of());
        try (SafetensorsFile old = SafetensorsFile.open(f)) {
            Tensor oldX = old.tensor("x");
            SafetensorsWriter.write(f, Map.of("x", Tensor.of(new float[] {5, 6, 7}, 3)), Map.of());
            // the old mapping still sees the old inode
            assertThat(oldX.toFloatArray()).containsExactly(1, 2);
            try (SafetensorsFile fresh = SafetensorsFile.open(f)) {
                assertThat(fresh.tensor("x").toFloatArray()).containsExactly(5, 6, 7);
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("w.safetensors");
        }
    }

    @Test
    void failedWriteLeavesTargetUntouchedAndNoTempFile() throws IOException {
        Path src = dir.resolve("src.safetensors");
        SafetensorsWriter.write(src, Map.of("x", Tensor.of(new float[] {1, 2}, 2)), Map.of());
        Path target = dir.resolve("target.safetensors");
        SafetensorsWriter.write(target, Map.of("y", Tensor.of(new float[] {9}, 1)), Map.of());
        byte[] before = Files.readAllBytes(target);
        Tensor dangling;
        try (SafetensorsFile sf = SafetensorsFile.open(src)) {
            dangling = sf.tensor("x");
        }
        // reading the unmapped tensor fails half-way through the write
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("ok", Tensor.of(new float[] {3}, 1));
        m.put("dangling", dangling);
        assertThatThrownBy(() -> SafetensorsWriter.write(target, m, Map.of())).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
        assertThatThrownBy(() -> SafetensorsWriter.write(target, Map.of("__metadata__", Tensor.scalar(1)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("src.safetensors", "target.safetensors");
        }
    }

    @Test
    void writeIntoMissingDirectoryFailsWithIoError() {
        Path f = dir.resolve("no/such/dir/x.safetensors");
        assertThatThrownBy(() -> SafetensorsWriter.write(f, Map.of(), Map.of()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(f.toString());
    }

    @Test
    void unknownNameNamesFileAndTensorAndSuggestsCloseNames() {
        Path f = dir.resolve("model.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            m.put("vision_model.encoder.layers." + i + ".mlp.fc1.weight", Tensor.zeros(1));
        }
        m.put("text_model.final_layer_norm.weight", Tensor.zeros(1));
        SafetensorsWriter.write(f, m, Map.of());
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.contains("vision_model.encoder.layers.1.mlp.fc1.weight")).isTrue();
            assertThat(sf.contains("vision_model.encoder.layers.1.mlp.fc2.weight")).isFalse();
            assertThatThrownBy(() -> sf.tensor("vision_model.encoder.layers.1.mlp.fc2.weight"))
                    .isInstanceOfSatisfying(NoSuchTensorException.class, e -> {
                        assertThat(e.getMessage())
                                .startsWith(f + ": no tensor 'vision_model.encoder.layers.1.mlp.fc2.weight'")
                                .contains("did you mean 'vision_model.encoder.layers.1.mlp.fc1.weight'");
                        assertThat(e.suggestions()).hasSize(3).doesNotContain("text_model.final_layer_norm.weight");
                    });
            assertThatThrownBy(() -> sf.info("zzz")).isInstanceOf(NoSuchTensorException.class)
                    .hasMessageNotContaining("did you mean");
        }
    }

    @Test
    void unsupportedDTypeIsReadableAsBytesButNotAsTensor() throws IOException {
        // I32 [2] = {7, -1}: the writer cannot produce it (no I32 tensors), so build the file by hand
        byte[] header = "{\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).putInt(7).putInt(-1);
        Path f = dir.resolve("i32.safetensors");
        Files.write(f, b.array());
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            MemorySegment seg = sf.bytes("i");
            assertThat(seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4)).isEqualTo(-1);
            assertThatThrownBy(() -> sf.tensor("i")).isInstanceOf(OcelliException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("'i'").hasMessageContaining("I32");
        }
    }

    @Test
    void unpaddedHeaderLeavesDataUnalignedAndStillReads() throws IOException {
        // Other writers need not pad: N = 61 puts the data at byte 69, so every F32/BF16 element
        // is unaligned in the mapping.
        String json = "{\"f\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},\"h\":{\"dtype\":\"BF16\","
                + "\"shape\":[2],\"data_offsets\":[12,16]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        assertThat((8 + header.length) % 4).isNotZero();
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).putFloat(1.5f).putFloat(-2f).putFloat(1e-30f)
                .putShort((short) 0x3fc0).putShort((short) 0xc000);
        Path f = dir.resolve("unaligned.safetensors");
        Files.write(f, b.array());
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.header().dataStart() % 4).isNotZero();
            assertThat(sf.tensor("f").toFloatArray()).containsExactly(1.5f, -2f, 1e-30f);
            assertThat(sf.tensor("f").get(1)).isEqualTo(-2f);
            assertThat(sf.tensor("h").toFloatArray()).containsExactly(1.5f, -2f);
        }
    }

    @Test
    void closeUnmapsAndConcurrentReadsWork() throws Exception {
        Path f = dir.resolve("c.safetensors");
        float[] v = new float[4096];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f;
        }
        SafetensorsWriter.write(f, Map.of("v", Tensor.of(v, 64, 64)), Map.of());
        Tensor t;
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            t = sf.tensor("v");
            ExecutorService ex = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> fs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    fs.add(ex.submit(() -> sf.tensor("v").toFloatArray()));
                }
                for (Future<float[]> fu : fs) {
                    assertThat(fu.get()).isEqualTo(v);
                }
            } finally {
                ex.shutdown();
            }
        }
        assertThatThrownBy(() -> t.get(0, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void headerOfAThousandTensorsParsesQuickly() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < 1000; i++) {
            m.put("vision_model.encoder.layers." + i + ".self_attn.q_proj.weight", Tensor.zeros(4, 4));
        }
        Path f = dir.resolve("many.safetensors");
        SafetensorsWriter.write(f, m, Map.of("format", "pt"));
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            try (SafetensorsFile sf = SafetensorsFile.open(f)) {
                assertThat(sf.tensors()).hasSize(1000);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        // measured 4.9 ms best-of-50 on the dev machine (2 vCPUs, a fuzzer running alongside);
        // the bound only catches accidental quadratic work
        assertThat(best).as("best of 5 opens, ns").isLessThan(200_000_000L);
    }
}
