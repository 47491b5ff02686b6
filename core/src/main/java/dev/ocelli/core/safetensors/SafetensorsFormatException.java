package dev.ocelli.core.safetensors;

import dev.ocelli.core.OcelliException;
import java.nio.file.Path;

/**
 * A safetensors file (or a sharded checkpoint's index) that breaks one of the format's rules.
 *
 * <p>Carries the file, the tensor involved (null when the problem is not about one tensor) and
 * the {@link Rule} that was broken, and says all three in a single line, e.g.
 * {@code model.safetensors: tensor 'vision_model.embeddings.patch_embedding.weight': shape
 * [1024,3,14,14] x F32 = 602112 bytes but data_offsets span 602100 (rule: SIZE_MISMATCH)}.
 */
public final class SafetensorsFormatException extends OcelliException {

    /**
     * The rules a file is checked against. The first group mirrors the checks of the reference
     * implementation (huggingface/safetensors, {@code SafeTensors::read_metadata} and
     * {@code Metadata::validate}); where Ocelli is stricter the rule says so.
     */
    public enum Rule {
        /** Fewer than the 8 bytes of the header-length prefix. */
        FILE_TOO_SMALL,
        /** Header length prefix above 100,000,000 (checked before anything is allocated). */
        HEADER_TOO_LARGE,
        /** 8 + header length runs past the end of the file. */
        HEADER_BEYOND_FILE,
        /** Header bytes are not valid UTF-8. */
        HEADER_NOT_UTF8,
        /** Header does not start with '{' (stricter: the reference lets serde skip whitespace). */
        HEADER_NOT_OBJECT,
        /** Header is not well-formed strict JSON (no comments, no trailing commas, ...). */
        INVALID_JSON,
        /** Header exceeds a parser limit: nesting depth, string, name or number length. */
        JSON_LIMIT,
        /** Something other than whitespace follows the root JSON object. */
        TRAILING_JSON,
        /** The same tensor name (or {@code __metadata__}) appears twice. */
        DUPLICATE_NAME,
        /** A field appears twice inside one tensor entry. */
        DUPLICATE_FIELD,
        /** {@code __metadata__} is not an object mapping strings to strings. */
        BAD_METADATA,
        /** A tensor entry is not an object, or its dtype is not a string. */
        WRONG_TYPE,
        /** A tensor entry lacks dtype, shape or data_offsets. */
        MISSING_FIELD,
        /** A tensor entry has a field other than dtype, shape, data_offsets (stricter). */
        UNKNOWN_FIELD,
        /** The dtype name is not one Ocelli knows. */
        UNKNOWN_DTYPE,
        /** shape is not an array of non-negative 64-bit integers. */
        BAD_SHAPE,
        /** data_offsets is not an array of exactly two non-negative 64-bit integers. */
        BAD_OFFSETS,
        /** data_offsets begin is greater than end. */
        OFFSETS_REVERSED,
        /** Element count or byte size overflows a signed 64-bit integer. */
        SIZE_OVERFLOW,
        /** shape x dtype size differs from end - begin. */
        SIZE_MISMATCH,
        /** A region ends past the end of the data buffer. */
        OFFSET_BEYOND_BUFFER,
        /** Two regions (sorted by offsets) overlap. */
        OVERLAP,
        /** A gap between regions (or before the first one) that no tensor covers. */
        HOLE,
        /** Bytes after the last region: the reference requires the last end to equal the buffer length. */
        TRAILING_DATA,

        // Sharded checkpoints (model.safetensors.index.json) and checkpoint directories.
        /** The index file is not valid strict JSON of the expected shape. */
        INDEX_INVALID,
        /** A shard file name escapes the model directory (absolute, '..', or a symlink out). */
        SHARD_OUTSIDE_DIR,
        /** A shard named by the index does not exist or is not a regular file. */
        SHARD_MISSING,
        /** A weight_map entry is not present in the shard it points to. */
        INDEX_TENSOR_MISSING,
        /** A shard holds a tensor the weight_map does not list. */
        INDEX_TENSOR_UNLISTED,
        /** The same tensor name is stored in two shards. */
        DUPLICATE_ACROSS_SHARDS,
        /** A directory without index, model.safetensors or any *.safetensors file. */
        NO_CHECKPOINT,
        /** A directory with several *.safetensors files and no index to choose. */
        AMBIGUOUS_CHECKPOINT
    }

    private final Path file;
    private final String tensor;
    private final Rule rule;

    public SafetensorsFormatException(Path file, String tensor, Rule rule, String detail) {
        this(file, tensor, rule, detail, null);
    }

    public SafetensorsFormatException(Path file, String tensor, Rule rule, String detail, Throwable cause) {
        super(format(file, tensor, rule, detail), cause);
        this.file = file;
        this.tensor = tensor;
        this.rule = rule;
    }

    /** The offending file (a .safetensors file or an index). */
    public Path file() {
        return file;
    }

    /** The tensor the problem is about, or null. */
    public String tensor() {
        return tensor;
    }

    public Rule rule() {
        return rule;
    }

    private static String format(Path file, String tensor, Rule rule, String detail) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<memory>" : file.toString()).append(": ");
        if (tensor != null) {
            sb.append("tensor '").append(printable(tensor)).append("': ");
        }
        sb.append(oneLine(detail)).append(" (rule: ").append(rule).append(')');
        return sb.toString();
    }

    /**
     * Names come from untrusted headers: escape control characters so the message stays on one
     * line, and cut very long names so a hostile file cannot produce a megabyte of message.
     */
    static String printable(String s) {
        final int max = 200;
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 8);
        for (int i = 0; i < s.length(); i++) {
            if (sb.length() >= max) {
                sb.append("...(").append(s.length()).append(" chars)");
                break;
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\r', ' ').replace('\n', ' ');
    }
}
