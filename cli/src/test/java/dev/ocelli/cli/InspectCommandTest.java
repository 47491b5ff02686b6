package dev.ocelli.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ocelli.testdata.ReferenceData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InspectCommandTest {

    private static final String TORCH_FILE = ReferenceData.path("roundtrip/torch_written").toString();
    private static final String SHARDED = ReferenceData.root().resolve("roundtrip/torch_sharded").toString();

    @Test
    void listsEveryTensorWithDtypeShapeAndBytesPlusMetadata() {
        CliRunner r = CliRunner.run("inspect", TORCH_FILE);
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        String out = r.out();
        assertThat(out).containsPattern("(?m)^name +dtype +shape +elements +bytes$");
        assertThat(out).containsPattern("(?m)^f32\\.random +F32 +\\[3,5,7\\] +105 +420$");
        assertThat(out).containsPattern("(?m)^bf16\\.random +BF16 +\\[2,3,17\\] +102 +204$");
        assertThat(out).containsPattern("(?m)^f16\\.random +F16 +\\[4,33\\] +132 +264$");
        assertThat(out).containsPattern("(?m)^u8\\.all +U8 +\\[16,16\\] +256 +256$");
        assertThat(out).containsPattern("(?m)^f32\\.scalar +F32 +\\[\\] +1 +4$");
        assertThat(out).containsPattern("(?m)^f32\\.empty +F32 +\\[0,3\\] +0 +0$");
        assertThat(out).containsPattern("(?m)^i64\\.values +I64 +\\[9\\] +9 +72$");
        assertThat(out).contains("__metadata__").containsPattern("(?m)^  group +safetensors_io$");
        assertThat(out).containsPattern("(?m)^  unicode +ÿ ✓ 日本$");
        assertThat(out).containsPattern("(?m)^total: 32 tensors, [0-9,]+ elements, [0-9,]+ bytes");
        // every row is a tensor line, aligned: the dtype column starts at the same offset everywhere
        long rows = out.lines().filter(l -> l.matches("^\\S+ +(F32|F16|BF16|I64|U8) +\\[.*")).count();
        assertThat(rows).isEqualTo(32);
        assertThat(out.lines().filter(l -> l.matches("^\\S+ +(F32|F16|BF16|I64|U8) +\\[.*"))
                .map(l -> l.indexOf(" F") > 0 ? l.replaceFirst("^(\\S+ +).*", "$1").length()
                        : l.replaceFirst("^(\\S+ +).*", "$1").length()).distinct().count()).isEqualTo(1);
    }

    @Test
    void sortByOffsetKeepsFileOrder() {
        String out = CliRunner.run("inspect", "--sort=offset", TORCH_FILE).out();
        // torch_written lays tensors out by decreasing element size: every I64 before every U8
        assertThat(out.indexOf("i64.values ")).isPositive().isLessThan(out.indexOf("u8.all "));
        assertThat(out.indexOf("bf16.random.bits ")).isLessThan(out.indexOf("bf16.random "));
        String byName = CliRunner.run("inspect", TORCH_FILE).out();
        assertThat(byName.indexOf("bf16.random ")).isLessThan(byName.indexOf("bf16.random.bits "));
    }

    @Test
    void singleTensorTotalsSayTensorNotTensors(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("one.safetensors");
        Files.write(f, file("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]));
        CliRunner r = CliRunner.run("inspect", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("total: 1 tensor, 2 elements, 4 bytes").contains("by dtype: F16 1 tensor 4 B")
                .contains("__metadata__: (none)");
    }

    @Test
    void naturalOrderPutsLayer2BeforeLayer10() {
        assertThat(InspectCommand.naturalCompare("layers.2.w", "layers.10.w")).isNegative();
        assertThat(InspectCommand.naturalCompare("layers.10.w", "layers.10.w")).isZero();
        assertThat(InspectCommand.naturalCompare("a.b", "a")).isPositive();
        assertThat(InspectCommand.naturalCompare("x01", "x1")).isNotZero(); // distinct names never tie
    }

    @Test
    void shardedDirectoryShowsTheShardOfEachTensor() {
        CliRunner r = CliRunner.run("inspect", SHARDED);
        assertThat(r.exit()).isZero();
        String out = r.out();
        assertThat(out).contains("model.safetensors.index.json");
        assertThat(out).containsPattern("(?m)^encoder\\.layer\\.0\\.bias +F32 +\\[4\\] +4 +16 +model-00001-of-00002\\.safetensors$");
        assertThat(out).containsPattern("(?m)^head\\.weight +F16 +\\[2,4\\] +8 +16 +model-00002-of-00002\\.safetensors$");
        assertThat(out).contains("total_size");
        assertThat(out).contains("total: 5 tensors, 45 elements, 136 bytes");
    }

    @Test
    void jsonOutputParsesAndCountsTensors() throws IOException {
        CliRunner r = CliRunner.run("inspect", "--json", SHARDED);
        assertThat(r.exit()).isZero();
        int names = 0;
        long totalBytes = -1;
        try (JsonParser p = new JsonFactory().createParser(r.out())) {
            String field = null;
            boolean inTotal = false;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                    if (field.equals("total")) {
                        inTotal = true;
                    }
                } else if (t == JsonToken.VALUE_STRING && "name".equals(field)) {
                    names++;
                } else if (t == JsonToken.VALUE_NUMBER_INT && inTotal && "bytes".equals(field)) {
                    totalBytes = p.getLongValue();
                }
            }
        }
        assertThat(names).isEqualTo(5);
        assertThat(totalBytes).isEqualTo(136);
    }

    // ---- errors: exactly one line on stderr, exit 2, no stack trace ----

    static Stream<Arguments> malformed() {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        return Stream.of(
                Arguments.of("empty", new byte[0], "FILE_TOO_SMALL"),
                Arguments.of("short", new byte[] {1, 2, 3}, "FILE_TOO_SMALL"),
                Arguments.of("huge-header-claim", prefix(200_000_000L, new byte[0]), "HEADER_TOO_LARGE"),
                Arguments.of("header-past-eof", prefix(1000, "{}".getBytes(StandardCharsets.UTF_8)), "HEADER_BEYOND_FILE"),
                Arguments.of("not-json", file("{\"a\":", new byte[0]), "JSON"),
                Arguments.of("size-mismatch", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]), "SIZE_MISMATCH"),
                Arguments.of("unknown-dtype", file("{\"a\":{\"dtype\":\"F31\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "UNKNOWN_DTYPE"),
                Arguments.of("offset-past-buffer", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[4]), "BEYOND"),
                Arguments.of("trailing-data", file(ok, new byte[8]), "TRAILING_DATA"),
                Arguments.of("duplicate", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "DUPLICATE"),
                Arguments.of("newline-in-name", file("{\"a\\nb\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,5]}}", new byte[5]), "SIZE_MISMATCH"),
                Arguments.of("invalid-utf8", file("{\"\u00ff\":1}", new byte[0], true), "UTF8"));
    }

    private static byte[] prefix(long n, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(rest).array();
    }

    private static byte[] file(String header, byte[] data) {
        return file(header, data, false);
    }

    private static byte[] file(String header, byte[] data, boolean breakUtf8) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        if (breakUtf8) {
            for (int i = 0; i < h.length - 1; i++) {
                if ((h[i] & 0xff) == 0xC3) { // first byte of ÿ: drop its continuation byte's top bit
                    h[i + 1] = (byte) 0x3F;
                    h[i] = (byte) 0xFF;
                }
            }
        }
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFileIsOneLineExit2(String name, byte[] bytes, String ruleHint, @TempDir Path tmp) throws IOException {
        Path f = tmp.resolve(name + ".safetensors");
        Files.write(f, bytes);
        CliRunner r = CliRunner.run("inspect", f.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        String line = r.errLines()[0];
        assertThat(line).startsWith("ocelli: " + f).contains(ruleHint);
        assertThat(line).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missingFileIsOneLineExit2(@TempDir Path tmp) {
        Path f = tmp.resolve("nope.safetensors");
        CliRunner r = CliRunner.run("inspect", f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("ocelli: no such file or directory: " + f);
    }

    @Test
    void directoryWithoutCheckpointIsOneLineExit2(@TempDir Path tmp) {
        CliRunner r = CliRunner.run("inspect", tmp.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("ocelli: ").contains("NO_CHECKPOINT").doesNotContain("Exception");
    }

    @Test
    void indexPointingOutsideTheDirectoryIsOneLineExit2(@TempDir Path tmp) throws IOException {
        Path model = Files.createDirectory(tmp.resolve("model"));
        Files.copy(Path.of(TORCH_FILE), tmp.resolve("outside.safetensors"));
        Files.writeString(model.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"f32.scalar\":\"../outside.safetensors\"}}");
        CliRunner r = CliRunner.run("inspect", model.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("SHARD_OUTSIDE_DIR").doesNotContain("Exception");
    }

    @Test
    void missingArgumentIsOneLineExit2() {
        CliRunner r = CliRunner.run("inspect");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("ocelli: Missing required parameter");
    }
}
