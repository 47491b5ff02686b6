package dev.ocelli.core.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one Jackson factory used for safetensors headers and index files: plain RFC 8259 JSON,
 * with the parser limits set so that a hostile header cannot make the parser work or allocate
 * much beyond the header's own size.
 */
final class StrictJson {

    /** Deepest legal nesting is 3 (root, entry, shape array); leave room for a clear error. */
    static final int MAX_DEPTH = 16;
    /** Metadata values (e.g. training configs) can be long; the header itself caps at 100 MB. */
    static final int MAX_STRING = 16 * 1024 * 1024;
    /** Tensor names are object keys. */
    static final int MAX_NAME = 64 * 1024;
    /** Longest 64-bit integer is 20 digits; a little slack for a clear "out of range" error. */
    static final int MAX_NUMBER = 64;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // messages must stay one line and must not echo the (untrusted, maybe huge) header
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // no symbol table: hostile key sets cannot trigger its collision checks
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
            .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .disable(JsonReadFeature.ALLOW_MISSING_VALUES)
            .disable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .disable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
            .disable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .disable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING)
                    .maxNameLength(MAX_NAME)
                    .maxNumberLength(MAX_NUMBER)
                    .build())
            .build();

    private StrictJson() {
    }

    /**
     * Strict UTF-8 (errors reported, not replaced). Returns a buffer whose array holds the text
     * in [0, limit), or null with {@code in.position()} at the first bad byte. Parsing from chars
     * also keeps Jackson from guessing UTF-16/32 from the first bytes, as it does for byte input.
     */
    static CharBuffer decodeUtf8(ByteBuffer in) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // UTF-8 never yields more chars than bytes
        CharBuffer out = CharBuffer.allocate(in.remaining());
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        return r.isError() ? null : out.flip();
    }

    /** Jackson's message without its multi-line location suffix, plus the column. */
    static String describe(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            m = e.getClass().getSimpleName();
        }
        m = m.replace('\r', ' ').replace('\n', ' ');
        if (m.length() > 300) {
            m = m.substring(0, 300) + "...";
        }
        if (e.getLocation() != null && e.getLocation().getCharOffset() >= 0) {
            m += " at char " + e.getLocation().getCharOffset();
        }
        return m;
    }

    /** Jackson reports STRICT_DUPLICATE_DETECTION hits as parse errors; recognise them. */
    static String duplicateName(JsonProcessingException e) {
        if (!(e instanceof JsonParseException)) {
            return null;
        }
        String m = e.getOriginalMessage();
        if (m == null || !m.startsWith("Duplicate field '")) {
            return null;
        }
        int end = m.lastIndexOf('\'');
        return end > 17 ? m.substring(17, end) : null;
    }
}
