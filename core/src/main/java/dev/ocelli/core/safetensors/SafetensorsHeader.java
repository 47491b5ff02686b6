package dev.ocelli.core.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.ocelli.core.DType;
import dev.ocelli.core.safetensors.SafetensorsFormatException.Rule;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed and validated header of one safetensors file.
 *
 * <p>File layout (spec §7, huggingface/safetensors {@code SafeTensors::read_metadata}):
 * <pre>
 *   [0, 8)            u64 little-endian N = header length
 *   [8, 8+N)          UTF-8 JSON object: name -> {dtype, shape, data_offsets}, optional __metadata__
 *   [8+N, file end)   data buffer; each tensor owns [begin, end) of it, C order, little-endian
 * </pre>
 * Validation follows the reference: sorted by (begin, end) the regions must tile the buffer
 * exactly from 0 to its end, with no hole, overlap or trailing byte, and each region must hold
 * exactly numel(shape) x dtype size bytes. Ocelli is stricter than the reference in a few places
 * (duplicate names and unknown entry fields are errors rather than silently dropped; the header
 * must start with '{'); see {@link Rule}.
 *
 * <p>Hostile input: the header length is checked against {@link #MAX_HEADER_SIZE} and the file
 * size before anything is allocated, every later allocation is bounded by the header size, and no
 * claimed tensor size is ever allocated.
 */
public final class SafetensorsHeader {

    /** Same cap as the reference implementation. */
    public static final long MAX_HEADER_SIZE = 100_000_000L;

    /** dtype names the reference accepts but {@link DType} cannot represent. */
    private static final Set<String> REFERENCE_ONLY_DTYPES =
            Set.of("F4", "F6_E2M3", "F6_E3M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "C64");

    private static final ValueLayout.OfLong U64_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final long headerLength;
    private final long fileSize;
    private final Map<String, String> metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName;

    private SafetensorsHeader(Path file, long headerLength, long fileSize, Map<String, String> metadata,
                              List<TensorInfo> tensors, Map<String, TensorInfo> byName) {
        this.file = file;
        this.headerLength = headerLength;
        this.fileSize = fileSize;
        this.metadata = metadata;
        this.tensors = tensors;
        this.byName = byName;
    }

    /** The file name used in error messages (may be null for in-memory input). */
    public Path file() {
        return file;
    }

    /** N, the JSON header length in bytes (including any space padding). */
    public long headerLength() {
        return headerLength;
    }

    /** Byte offset of the data buffer in the file: 8 + N. */
    public long dataStart() {
        return 8 + headerLength;
    }

    /** Length of the data buffer = file size - 8 - N = end of the last region. */
    public long dataLength() {
        return fileSize - dataStart();
    }

    /** The {@code __metadata__} map in header order; empty when absent. Unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** All tensors in file order (sorted by data offsets). Unmodifiable. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** The entry for {@code name}, or null. */
    public TensorInfo find(String name) {
        return byName.get(name);
    }

    /**
     * Parses and validates the header of a whole file given as one segment (a mapping of the
     * file, or a heap array in tests and fuzzing).
     *
     * @param file only used in error messages; may be null
     * @throws SafetensorsFormatException on any rule violation
     */
    public static SafetensorsHeader parse(Path file, MemorySegment whole) {
        long size = whole.byteSize();
        if (size < 8) {
            throw new SafetensorsFormatException(file, null, Rule.FILE_TOO_SMALL,
                    "file is " + size + " bytes, shorter than the 8-byte header length prefix");
        }
        long n = whole.get(U64_LE, 0);
        // n is an unsigned u64: negative as a Java long means >= 2^63
        if (n < 0 || n > MAX_HEADER_SIZE) {
            throw new SafetensorsFormatException(file, null, Rule.HEADER_TOO_LARGE,
                    "header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER_SIZE + " bytes");
        }
        if (8 + n > size) {
            throw new SafetensorsFormatException(file, null, Rule.HEADER_BEYOND_FILE,
                    "header length " + n + " needs " + (8 + n) + " bytes but the file has " + size);
        }
        // n <= 100 MB and n <= file size: the only allocation sized by the header is the decoded
        // text, bounded by real input. Decode straight from the mapping (no byte[] copy).
        CharBuffer text = decodeUtf8(file, headerBytes(whole.asSlice(8, n)));
        char[] chars = text.array();
        int len = text.limit();
        if (len == 0 || chars[0] != '{') {
            throw new SafetensorsFormatException(file, null, Rule.HEADER_NOT_OBJECT,
                    len == 0 ? "header is empty, expected a JSON object"
                             : String.format("header starts with U+%04X, expected '{'", (int) chars[0]));
        }
        Parsed parsed = new HeaderParser(file, chars, len).parse();
        return validateLayout(file, n, size, parsed);
    }

    /** A ByteBuffer over the header bytes; heap segments not backed by byte[] are copied. */
    private static ByteBuffer headerBytes(MemorySegment header) {
        try {
            return header.asByteBuffer();
        } catch (UnsupportedOperationException e) {
            return ByteBuffer.wrap(header.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private static CharBuffer decodeUtf8(Path file, ByteBuffer in) {
        CharBuffer out = StrictJson.decodeUtf8(in);
        if (out == null) {
            throw new SafetensorsFormatException(file, null, Rule.HEADER_NOT_UTF8,
                    "header is not valid UTF-8: malformed sequence at header byte " + in.position());
        }
        return out;
    }

    private record Parsed(Map<String, String> metadata, List<TensorInfo> tensors) {
    }

    private static SafetensorsHeader validateLayout(Path file, long n, long fileSize, Parsed parsed) {
        long bufferLen = fileSize - 8 - n;
        for (TensorInfo t : parsed.tensors) {
            if (t.end() > bufferLen) {
                throw new SafetensorsFormatException(file, t.name(), Rule.OFFSET_BEYOND_BUFFER,
                        "data_offsets [" + t.begin() + "," + t.end() + "] end past the data buffer of " + bufferLen + " bytes");
            }
        }
        // Same order as the reference: by (begin, end); the sort is stable so equal zero-size
        // regions keep header order.
        List<TensorInfo> sorted = new ArrayList<>(parsed.tensors);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long cursor = 0;
        String previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() > cursor) {
                throw new SafetensorsFormatException(file, t.name(), Rule.HOLE,
                        "data_offsets begin at " + t.begin() + " but the previous region "
                                + (previous == null ? "(none) " : "('" + SafetensorsFormatException.printable(previous) + "') ")
                                + "ends at " + cursor + ", leaving " + (t.begin() - cursor) + " bytes unused");
            }
            if (t.begin() < cursor) {
                throw new SafetensorsFormatException(file, t.name(), Rule.OVERLAP,
                        "data_offsets [" + t.begin() + "," + t.end() + "] overlap tensor '"
                                + SafetensorsFormatException.printable(previous) + "' which ends at " + cursor);
            }
            cursor = t.end();
            previous = t.name();
        }
        if (cursor != bufferLen) {
            throw new SafetensorsFormatException(file, previous, Rule.TRAILING_DATA,
                    "data buffer is " + bufferLen + " bytes but the last region ends at " + cursor
                            + " (" + (bufferLen - cursor) + " trailing bytes)");
        }
        Map<String, TensorInfo> byName = HashMap.newHashMap(sorted.size());
        for (TensorInfo t : sorted) {
            byName.put(t.name(), t);
        }
        return new SafetensorsHeader(file, n, fileSize, parsed.metadata,
                Collections.unmodifiableList(sorted), byName);
    }

    static String shapeStr(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /** Streaming walk over the JSON; one instance per parse. */
    private static final class HeaderParser {
        private final Path file;
        private final char[] chars;
        private final int len;
        /** Tensor whose entry is being read, for error messages; null at top level. */
        private String current;
        private boolean inMetadata;

        HeaderParser(Path file, char[] chars, int len) {
            this.file = file;
            this.chars = chars;
            this.len = len;
        }

        Parsed parse() {
            Map<String, String> metadata = null;
            List<TensorInfo> tensors = new ArrayList<>();
            Map<String, Boolean> seen = new HashMap<>();
            try (JsonParser p = StrictJson.FACTORY.createParser(chars, 0, len)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw fail(null, Rule.HEADER_NOT_OBJECT, "header is not a JSON object");
                }
                while (true) {
                    JsonToken t = p.nextToken();
                    if (t == JsonToken.END_OBJECT) {
                        break;
                    }
                    String name = p.currentName();
                    if (seen.put(name, Boolean.TRUE) != null) {
                        // normally caught earlier by Jackson's STRICT_DUPLICATE_DETECTION
                        throw fail(name, Rule.DUPLICATE_NAME, "name appears twice in the header");
                    }
                    if (name.equals("__metadata__")) {
                        inMetadata = true;
                        metadata = readMetadata(p);
                        inMetadata = false;
                    } else {
                        current = name;
                        tensors.add(readEntry(p, name));
                        current = null;
                    }
                }
                JsonToken after;
                try {
                    after = p.nextToken();
                } catch (JsonProcessingException e) {
                    throw fail(null, Rule.TRAILING_JSON, "content after the header's JSON object: " + StrictJson.describe(e));
                }
                if (after != null) {
                    throw fail(null, Rule.TRAILING_JSON, "content after the header's JSON object: " + after
                            + " at char " + p.currentTokenLocation().getCharOffset());
                }
            } catch (StreamConstraintsException e) {
                throw new SafetensorsFormatException(file, current, Rule.JSON_LIMIT,
                        "header exceeds a parser limit: " + StrictJson.describe(e), e);
            } catch (JsonProcessingException e) {
                String dup = StrictJson.duplicateName(e);
                if (dup != null && inMetadata) {
                    throw new SafetensorsFormatException(file, null, Rule.BAD_METADATA,
                            "__metadata__ has the key '" + SafetensorsFormatException.printable(dup) + "' twice", e);
                } else if (dup != null && current != null) {
                    throw new SafetensorsFormatException(file, current, Rule.DUPLICATE_FIELD,
                            "field '" + SafetensorsFormatException.printable(dup) + "' appears twice in the entry", e);
                } else if (dup != null) {
                    throw new SafetensorsFormatException(file, dup, Rule.DUPLICATE_NAME,
                            "name appears twice in the header", e);
                }
                throw new SafetensorsFormatException(file, current, Rule.INVALID_JSON,
                        "header is not valid JSON: " + StrictJson.describe(e), e);
            } catch (IOException e) {
                // reading from a char[] does no I/O; keep any other parser complaint a format error
                throw new SafetensorsFormatException(file, current, Rule.INVALID_JSON, "header is not valid JSON: " + e, e);
            }
            return new Parsed(metadata == null ? Map.of() : Collections.unmodifiableMap(metadata), tensors);
        }

        private Map<String, String> readMetadata(JsonParser p) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw fail(null, Rule.BAD_METADATA, "__metadata__ must be an object of strings, found " + p.currentToken());
            }
            Map<String, String> m = new LinkedHashMap<>();
            while (p.nextToken() != JsonToken.END_OBJECT) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (v != JsonToken.VALUE_STRING) {
                    throw fail(null, Rule.BAD_METADATA, "__metadata__ value of '"
                            + SafetensorsFormatException.printable(key) + "' must be a string, found " + v);
                }
                m.put(key, p.getText());
            }
            return m;
        }

        private TensorInfo readEntry(JsonParser p, String name) throws IOException {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw fail(name, Rule.WRONG_TYPE, "entry must be an object with dtype, shape, data_offsets, found " + t);
            }
            String dtypeName = null;
            long[] shape = null;
            long[] offsets = null;
            while (p.nextToken() != JsonToken.END_OBJECT) {
                String field = p.currentName();
                switch (field) {
                    case "dtype" -> {
                        JsonToken v = p.nextToken();
                        if (v != JsonToken.VALUE_STRING) {
                            throw fail(name, Rule.WRONG_TYPE, "dtype must be a string, found " + v);
                        }
                        dtypeName = p.getText();
                    }
                    case "shape" -> shape = readLongs(p, name, "shape", Rule.BAD_SHAPE);
                    case "data_offsets" -> offsets = readLongs(p, name, "data_offsets", Rule.BAD_OFFSETS);
                    default -> throw fail(name, Rule.UNKNOWN_FIELD, "unexpected field '"
                            + SafetensorsFormatException.printable(field) + "' (allowed: dtype, shape, data_offsets)");
                }
            }
            if (dtypeName == null || shape == null || offsets == null) {
                List<String> missing = new ArrayList<>();
                if (dtypeName == null) {
                    missing.add("dtype");
                }
                if (shape == null) {
                    missing.add("shape");
                }
                if (offsets == null) {
                    missing.add("data_offsets");
                }
                throw fail(name, Rule.MISSING_FIELD, "entry lacks " + String.join(", ", missing));
            }
            DType dtype = DType.fromSafetensorsName(dtypeName);
            if (dtype == null) {
                String shown = SafetensorsFormatException.printable(dtypeName);
                throw fail(name, Rule.UNKNOWN_DTYPE, REFERENCE_ONLY_DTYPES.contains(dtypeName)
                        ? "dtype '" + shown + "' is valid safetensors but Ocelli cannot represent it"
                        : "unknown dtype '" + shown + "'");
            }
            if (offsets.length != 2) {
                throw fail(name, Rule.BAD_OFFSETS, "data_offsets must be [begin, end], found " + offsets.length + " numbers");
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end) {
                throw fail(name, Rule.OFFSETS_REVERSED, "data_offsets [" + begin + "," + end + "] begin after end");
            }
            long bytes;
            try {
                // left-to-right like the reference's checked_mul fold
                long numel = 1;
                for (long d : shape) {
                    numel = Math.multiplyExact(numel, d);
                }
                bytes = Math.multiplyExact(numel, dtype.byteSize());
            } catch (ArithmeticException e) {
                throw fail(name, Rule.SIZE_OVERFLOW, "shape " + shapeStr(shape) + " x " + dtype
                        + " overflows a 64-bit byte count");
            }
            if (bytes != end - begin) {
                throw fail(name, Rule.SIZE_MISMATCH, "shape " + shapeStr(shape) + " x " + dtype + " = " + bytes
                        + " bytes but data_offsets span " + (end - begin));
            }
            return new TensorInfo(name, dtype, shape, begin, end);
        }

        /** An array of non-negative integers that fit a long; anything else breaks {@code rule}. */
        private long[] readLongs(JsonParser p, String name, String field, Rule rule) throws IOException {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                throw fail(name, rule, field + " must be an array of non-negative integers, found " + t);
            }
            long[] out = new long[4];
            int n = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_INT) {
                    throw fail(name, rule, field + " element " + n + " must be a non-negative integer, found "
                            + (t == JsonToken.VALUE_NUMBER_FLOAT ? "the non-integer " + p.getText() : String.valueOf(t)));
                }
                JsonParser.NumberType nt = p.getNumberType();
                if (nt == JsonParser.NumberType.BIG_INTEGER) {
                    throw fail(name, rule, field + " element " + n + " = " + p.getText() + " does not fit 64 bits");
                }
                long v = p.getLongValue();
                if (v < 0) {
                    throw fail(name, rule, field + " element " + n + " = " + v + " is negative");
                }
                if (n == out.length) {
                    // the header (<= 100 MB) bounds how far this can grow
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = v;
            }
            return Arrays.copyOf(out, n);
        }

        private SafetensorsFormatException fail(String tensor, Rule rule, String detail) {
            return new SafetensorsFormatException(file, tensor, rule, detail);
        }
    }
}
