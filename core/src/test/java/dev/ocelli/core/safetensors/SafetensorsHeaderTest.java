package dev.ocelli.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.safetensors.SafetensorsFormatException.Rule;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Boundaries of the header parser, on in-memory bytes. */
class SafetensorsHeaderTest {

    static final Path NAME = Path.of("mem.safetensors");

    static byte[] file(long n, String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(h).array();
    }

    static Rule ruleOf(byte[] bytes) {
        try {
            SafetensorsHeader.parse(NAME, MemorySegment.ofArray(bytes));
        } catch (SafetensorsFormatException e) {
            return e.rule();
        }
        return null;
    }

    @Test
    void headerLengthLimitIsInclusiveAndCheckedBeforeTheFileSize() {
        assertThat(ruleOf(file(100_000_000L, "{}", 0))).isEqualTo(Rule.HEADER_BEYOND_FILE);
        assertThat(ruleOf(file(100_000_001L, "{}", 0))).isEqualTo(Rule.HEADER_TOO_LARGE);
        assertThat(ruleOf(file(Long.MIN_VALUE, "{}", 0))).isEqualTo(Rule.HEADER_TOO_LARGE);
        assertThat(ruleOf(file(3, "{}", 0))).isEqualTo(Rule.HEADER_BEYOND_FILE);
        assertThat(ruleOf(file(2, "{}", 0))).isNull();
        assertThat(ruleOf(file(1, "{}", 0))).isEqualTo(Rule.INVALID_JSON);
    }

    @Test
    void whitespaceAfterTheObjectIsPaddingAnythingElseIsNot() {
        assertThat(ruleOf(file(8, "{} \t\r\n  ", 0))).isNull();
        assertThat(ruleOf(file(4, "{}//", 0))).isEqualTo(Rule.TRAILING_JSON);
    }

    @Test
    void zeroSizedTensorsMayShareAnOffsetWithTheirNeighbours() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[0,7],\"data_offsets\":[0,0]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]}}";
        byte[] bytes = file(h.length(), h, 6);
        SafetensorsHeader parsed = SafetensorsHeader.parse(NAME, MemorySegment.ofArray(bytes));
        assertThat(parsed.tensors()).extracting(TensorInfo::name).containsExactly("z", "a", "e", "b");
        assertThat(parsed.dataLength()).isEqualTo(6);
    }

    @Test
    void hostileNamesStayOnOneShortLine() {
        String longName = "x\n".repeat(5000);
        String h = "{\"" + longName.replace("\n", "\\n") + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        byte[] bytes = file(h.length(), h, 8);
        assertThatThrownBy(() -> SafetensorsHeader.parse(NAME, MemorySegment.ofArray(bytes)))
                .isInstanceOfSatisfying(SafetensorsFormatException.class, e -> {
                    assertThat(e.rule()).isEqualTo(Rule.SIZE_MISMATCH);
                    assertThat(e.tensor()).isEqualTo(longName);
                    assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(400).contains("\\u000a");
                });
    }
}
