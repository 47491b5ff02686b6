package dev.ocelli.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsFormatException.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded checkpoints: how a directory is resolved and how the index is validated. */
class SafetensorsCheckpointTest {

    @TempDir
    Path dir;

    static final String SHARD1 = "model-00001-of-00002.safetensors";
    static final String SHARD2 = "model-00002-of-00002.safetensors";

    private void writeShards(Path into) {
        Map<String, Tensor> a = new LinkedHashMap<>();
        a.put("embed.weight", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        a.put("layers.0.weight", Tensor.of(new float[] {5}, 1));
        SafetensorsWriter.write(into.resolve(SHARD1), a, Map.of("format", "pt"));
        Map<String, Tensor> b = new LinkedHashMap<>();
        b.put("layers.1.weight", Tensor.of(new float[] {6, 7}, 2));
        SafetensorsWriter.write(into.resolve(SHARD2), b, Map.of("format", "pt", "shard", "2"));
    }

    private void writeIndex(Path into, String weightMapJson) throws IOException {
        Files.writeString(into.resolve(SafetensorsCheckpoint.INDEX_NAME),
                "{\"metadata\": {\"total_size\": 28}, \"weight_map\": " + weightMapJson + "}\n");
    }

    private static final String GOOD_MAP = "{\"embed.weight\": \"" + SHARD1 + "\", \"layers.0.weight\": \"" + SHARD1
            + "\", \"layers.1.weight\": \"" + SHARD2 + "\"}";

    @Test
    void shardedDirectoryMergesTensorsAndMetadata() throws IOException {
        writeShards(dir);
        writeIndex(dir, GOOD_MAP);
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertThat(c.names()).containsExactly("embed.weight", "layers.0.weight", "layers.1.weight");
            assertThat(c.files()).hasSize(2);
            assertThat(c.fileOf("layers.1.weight").getFileName().toString()).isEqualTo(SHARD2);
            assertThat(c.tensor("layers.1.weight").toFloatArray()).containsExactly(6, 7);
            assertThat(c.tensor("embed.weight").get(1, 0)).isEqualTo(3f);
            assertThat(c.info("layers.0.weight").byteSize()).isEqualTo(4);
            assertThat(c.tensors()).hasSize(3);
            assertThat(c.metadata()).containsEntry("format", "pt").containsEntry("shard", "2");
            assertThat(c.indexMetadata()).containsExactly(Map.entry("total_size", "28"));
            assertThatThrownBy(() -> c.tensor("layers.2.weight")).isInstanceOf(NoSuchTensorException.class)
                    .hasMessageContaining("'layers.2.weight'").hasMessageContaining("did you mean 'layers.");
        }
        // the index file itself can be passed too
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir.resolve(SafetensorsCheckpoint.INDEX_NAME))) {
            assertThat(c.names()).hasSize(3);
        }
    }

    @Test
    void directoryWithoutIndexUsesModelSafetensorsThenTheOnlyFile() throws IOException {
        Path d1 = Files.createDirectory(dir.resolve("d1"));
        SafetensorsWriter.write(d1.resolve("model.safetensors"), Map.of("a", Tensor.zeros(1)), Map.of());
        SafetensorsWriter.write(d1.resolve("other.safetensors"), Map.of("b", Tensor.zeros(1)), Map.of());
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(d1)) {
            assertThat(c.names()).containsExactly("a");
        }
        Path d2 = Files.createDirectory(dir.resolve("d2"));
        SafetensorsWriter.write(d2.resolve("clip.safetensors"), Map.of("c", Tensor.zeros(1)), Map.of());
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(d2)) {
            assertThat(c.names()).containsExactly("c");
            assertThat(c.indexMetadata()).isEmpty();
        }
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(d2.resolve("clip.safetensors"))) {
            assertThat(c.fileOf("c")).isEqualTo(d2.resolve("clip.safetensors"));
        }
    }

    @Test
    void emptyOrAmbiguousDirectoryIsRefused() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        expect(() -> SafetensorsCheckpoint.open(empty), Rule.NO_CHECKPOINT, null, "no *.safetensors");
        Path two = Files.createDirectory(dir.resolve("two"));
        writeShards(two);
        expect(() -> SafetensorsCheckpoint.open(two), Rule.AMBIGUOUS_CHECKPOINT, null, SHARD1);
    }

    @Test
    void shardNamesMustStayInsideTheModelDirectory() throws IOException {
        Path model = Files.createDirectory(dir.resolve("model"));
        writeShards(model);
        // a perfectly valid shard, one level up
        SafetensorsWriter.write(dir.resolve("outside.safetensors"), Map.of("x", Tensor.zeros(1)), Map.of());

        writeIndex(model, "{\"x\": \"../outside.safetensors\"}");
        expect(() -> SafetensorsCheckpoint.open(model), Rule.SHARD_OUTSIDE_DIR, "x", "contains '..'");

        writeIndex(model, "{\"x\": \"" + dir.resolve("outside.safetensors") + "\"}");
        expect(() -> SafetensorsCheckpoint.open(model), Rule.SHARD_OUTSIDE_DIR, "x", "is absolute");

        writeIndex(model, "{\"x\": \"sub/../../outside.safetensors\"}");
        expect(() -> SafetensorsCheckpoint.open(model), Rule.SHARD_OUTSIDE_DIR, "x", "contains '..'");

        Path link = model.resolve("link.safetensors");
        try {
            Files.createSymbolicLink(link, dir.resolve("outside.safetensors"));
        } catch (UnsupportedOperationException | IOException e) {
            // no symlinks on this file system: the other cases ran; report the rest as skipped
            org.junit.jupiter.api.Assumptions.abort("symbolic links unsupported here: " + e);
        }
        writeIndex(model, "{\"x\": \"link.safetensors\"}");
        expect(() -> SafetensorsCheckpoint.open(model), Rule.SHARD_OUTSIDE_DIR, "x", "outside the model directory");
    }

    @Test
    void symlinkInsideTheDirectoryIsFine() throws IOException {
        writeShards(dir);
        try {
            Files.createSymbolicLink(dir.resolve("alias.safetensors"), dir.resolve(SHARD2));
        } catch (UnsupportedOperationException | IOException e) {
            org.junit.jupiter.api.Assumptions.abort("symbolic links unsupported here: " + e);
        }
        writeIndex(dir, "{\"embed.weight\": \"" + SHARD1 + "\", \"layers.0.weight\": \"" + SHARD1
                + "\", \"layers.1.weight\": \"alias.safetensors\"}");
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
            assertThat(c.tensor("layers.1.weight").toFloatArray()).containsExactly(6, 7);
        }
    }

    @Test
    void indexMustAgreeWithTheShards() throws IOException {
        writeShards(dir);
        // listed in the wrong shard
        writeIndex(dir, "{\"embed.weight\": \"" + SHARD2 + "\", \"layers.0.weight\": \"" + SHARD1
                + "\", \"layers.1.weight\": \"" + SHARD2 + "\"}");
        expect(() -> SafetensorsCheckpoint.open(dir), Rule.INDEX_TENSOR_MISSING, "embed.weight", SHARD2);
        // listed but nowhere
        writeIndex(dir, GOOD_MAP.replace("}", ", \"ghost\": \"" + SHARD2 + "\"}"));
        expect(() -> SafetensorsCheckpoint.open(dir), Rule.INDEX_TENSOR_MISSING, "ghost", "does not hold it");
        // stored but not listed
        writeIndex(dir, "{\"embed.weight\": \"" + SHARD1 + "\", \"layers.1.weight\": \"" + SHARD2 + "\"}");
        expect(() -> SafetensorsCheckpoint.open(dir), Rule.INDEX_TENSOR_UNLISTED, "layers.0.weight", SHARD1);
        // shard file missing
        writeIndex(dir, GOOD_MAP.replace(SHARD2, "model-00003-of-00002.safetensors"));
        expect(() -> SafetensorsCheckpoint.open(dir), Rule.SHARD_MISSING, "layers.1.weight", "model-00003-of-00002");
        // a malformed shard surfaces the shard's own rule
        Files.write(dir.resolve(SHARD2), new byte[] {1, 2});
        writeIndex(dir, GOOD_MAP);
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).isInstanceOfSatisfying(SafetensorsFormatException.class,
                e -> assertThat(e.rule()).isEqualTo(Rule.FILE_TOO_SMALL));
    }

    @Test
    void tensorInTwoShardsIsRefused() throws IOException {
        writeShards(dir);
        SafetensorsWriter.write(dir.resolve(SHARD2), Map.of("layers.1.weight", Tensor.zeros(2),
                "embed.weight", Tensor.zeros(2, 2)), Map.of());
        writeIndex(dir, GOOD_MAP);
        expect(() -> SafetensorsCheckpoint.open(dir), Rule.DUPLICATE_ACROSS_SHARDS, "embed.weight",
                "stored in both '" + SHARD1 + "' and '" + SHARD2 + "'");
    }

    @Test
    void indexJsonIsParsedStrictly() throws IOException {
        writeShards(dir);
        Path idx = dir.resolve(SafetensorsCheckpoint.INDEX_NAME);
        String[][] bad = {
            {"{\"weight_map\": {\"a\": \"x\", \"a\": \"y\"}}", "key 'a' appears twice"},
            {"{\"weight_map\": {}} trailing", "content after"},
            {"{\"weight_map\": {}}{}", "content after"},
            {"{/*c*/\"weight_map\": {}}", "not valid JSON"},
            {"{\"weight_map\": {\"a\": 1}}", "tensor 'a': weight_map value must be a shard file name"},
            {"{\"weight_map\": []}", "must be an object"},
            {"{\"metadata\": {\"total_size\": [1]}, \"weight_map\": {}}", "must be a scalar"},
            {"{\"metadata\": {}}", "no weight_map"},
            {"[]", "not a JSON object"},
            // nesting beyond StreamReadConstraints' depth limit, inside a key that is otherwise skipped
            {"{\"x\": " + "[".repeat(40) + "]".repeat(40) + ", \"weight_map\": {}}", "Document nesting depth"},
        };
        // found by fuzzing: given bytes, Jackson guessed UTF-32 from this prefix and threw a
        // CharConversionException (an IOException) instead of a parse error
        Files.write(idx, new byte[] {(byte) 0x9e, 0, 0, 0, 0, 0, 0, 8, 0, 0x5d, 0, 0, 0, 0x7b});
        expect(() -> SafetensorsCheckpoint.open(dir), Rule.INDEX_INVALID, null, "not valid UTF-8: malformed sequence at byte 0");
        // UTF-32BE "{}" is valid UTF-8 (NULs) but not JSON
        Files.write(idx, new byte[] {0, 0, 0, '{', 0, 0, 0, '}'});
        expect(() -> SafetensorsCheckpoint.open(dir), Rule.INDEX_INVALID, null, "Illegal character");
        Files.write(idx, "{\"weight_map\": {}}".getBytes(java.nio.charset.StandardCharsets.UTF_16));
        expect(() -> SafetensorsCheckpoint.open(dir), Rule.INDEX_INVALID, null, "not valid UTF-8");
        for (String[] b : bad) {
            Files.writeString(idx, b[0]);
            expect(() -> SafetensorsCheckpoint.open(dir), Rule.INDEX_INVALID, b[1].startsWith("tensor 'a'") ? "a" : null, b[1]);
        }
    }

    private static void expect(ThrowingCallable call, Rule rule, String tensor, String fragment) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SafetensorsFormatException.class, e -> {
            assertThat(e.rule()).as(e.getMessage()).isEqualTo(rule);
            assertThat(e.tensor()).as(e.getMessage()).isEqualTo(tensor);
            assertThat(e.getMessage()).contains(fragment).endsWith("(rule: " + rule + ")").doesNotContain("\n");
        });
    }
}
