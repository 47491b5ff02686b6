package dev.ocelli.core.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsFormatException.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model's weights, in one safetensors file or sharded over several with a
 * {@code model.safetensors.index.json} (Hugging Face {@code save_pretrained} layout:
 * {@code {"metadata": {...}, "weight_map": {tensor name: shard file name}}}).
 *
 * <p>Opening a directory picks, in order: the index if present, else {@code model.safetensors},
 * else the only {@code *.safetensors} file (several without an index is an error). The index is
 * validated before it is trusted: shard names must stay inside the model directory (no absolute
 * paths, no {@code ..}, and after resolving symlinks the real path must still be inside), every
 * weight_map entry must be in the shard it names, every shard tensor must be listed, and no
 * tensor may live in two shards.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {

    public static final String INDEX_NAME = "model.safetensors.index.json";
    public static final String SINGLE_NAME = "model.safetensors";

    private final Path source;
    private final List<SafetensorsFile> files;
    /** Tensor name -> its file, in shard order then file order. */
    private final Map<String, SafetensorsFile> owner;
    private final Map<String, String> metadata;
    private final Map<String, String> indexMetadata;

    private SafetensorsCheckpoint(Path source, List<SafetensorsFile> files, Map<String, SafetensorsFile> owner,
                                  Map<String, String> metadata, Map<String, String> indexMetadata) {
        this.source = source;
        this.files = files;
        this.owner = owner;
        this.metadata = metadata;
        this.indexMetadata = indexMetadata;
    }

    /**
     * Opens a model directory, an index file, or a single safetensors file.
     *
     * @throws SafetensorsFormatException for a bad index, shard or directory
     * @throws UncheckedIOException when files cannot be read
     */
    public static SafetensorsCheckpoint open(Path fileOrDir) {
        try {
            if (Files.isDirectory(fileOrDir)) {
                Path index = fileOrDir.resolve(INDEX_NAME);
                if (Files.isRegularFile(index)) {
                    return openIndex(index);
                }
                Path single = fileOrDir.resolve(SINGLE_NAME);
                if (Files.isRegularFile(single)) {
                    return openSingle(single);
                }
                List<Path> candidates = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(fileOrDir, "*.safetensors")) {
                    for (Path p : ds) {
                        if (Files.isRegularFile(p)) {
                            candidates.add(p);
                        }
                    }
                }
                Collections.sort(candidates);
                if (candidates.isEmpty()) {
                    throw new SafetensorsFormatException(fileOrDir, null, Rule.NO_CHECKPOINT,
                            "directory has no " + INDEX_NAME + ", no " + SINGLE_NAME + " and no *.safetensors file");
                }
                if (candidates.size() > 1) {
                    List<String> names = new ArrayList<>();
                    for (Path p : candidates) {
                        names.add(p.getFileName().toString());
                    }
                    throw new SafetensorsFormatException(fileOrDir, null, Rule.AMBIGUOUS_CHECKPOINT,
                            "directory has " + candidates.size() + " *.safetensors files " + names
                                    + " and no " + INDEX_NAME + " saying how they fit together");
                }
                return openSingle(candidates.get(0));
            }
            if (fileOrDir.getFileName() != null && fileOrDir.getFileName().toString().endsWith(".index.json")) {
                return openIndex(fileOrDir);
            }
            return openSingle(fileOrDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint " + fileOrDir + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsCheckpoint openSingle(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
        for (TensorInfo t : f.tensors()) {
            owner.put(t.name(), f);
        }
        return new SafetensorsCheckpoint(file, List.of(f), owner, f.metadata(), Map.of());
    }

    record Index(Map<String, String> metadata, Map<String, String> weightMap) {
    }

    private static SafetensorsCheckpoint openIndex(Path index) throws IOException {
        Path dir = index.toAbsolutePath().getParent();
        Path realDir = dir.toRealPath();
        long size = Files.size(index);
        if (size > SafetensorsHeader.MAX_HEADER_SIZE) {
            throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID,
                    "index is " + size + " bytes, more than the " + SafetensorsHeader.MAX_HEADER_SIZE + "-byte limit");
        }
        Index idx = parseIndex(index, Files.readAllBytes(index));

        // shard file name -> names the index puts there, in index order
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : idx.weightMap.entrySet()) {
            byShard.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        }
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
                String shardName = e.getKey();
                String firstTensor = e.getValue().get(0);
                Path shard = confine(index, dir, realDir, shardName, firstTensor);
                SafetensorsFile f = SafetensorsFile.open(shard);
                opened.add(f);
                for (String name : e.getValue()) {
                    if (!f.contains(name)) {
                        throw new SafetensorsFormatException(index, name, Rule.INDEX_TENSOR_MISSING,
                                "weight_map puts it in '" + SafetensorsFormatException.printable(shardName)
                                        + "' but that shard does not hold it");
                    }
                }
                for (TensorInfo t : f.tensors()) {
                    SafetensorsFile prev = owner.putIfAbsent(t.name(), f);
                    if (prev != null) {
                        throw new SafetensorsFormatException(index, t.name(), Rule.DUPLICATE_ACROSS_SHARDS,
                                "stored in both '" + prev.path().getFileName() + "' and '" + f.path().getFileName() + "'");
                    }
                    if (!idx.weightMap.containsKey(t.name())) {
                        throw new SafetensorsFormatException(index, t.name(), Rule.INDEX_TENSOR_UNLISTED,
                                "shard '" + f.path().getFileName() + "' holds it but weight_map does not list it");
                    }
                }
                // first shard wins when shards disagree (they normally carry the same {"format": "pt"})
                for (Map.Entry<String, String> m : f.metadata().entrySet()) {
                    metadata.putIfAbsent(m.getKey(), m.getValue());
                }
            }
            return new SafetensorsCheckpoint(index, List.copyOf(opened), owner,
                    Collections.unmodifiableMap(metadata), idx.metadata);
        } catch (RuntimeException | Error e) {
            for (SafetensorsFile f : opened) {
                f.close();
            }
            throw e;
        }
    }

    /** Resolves a shard name from the index, refusing anything that leaves the model directory. */
    private static Path confine(Path index, Path dir, Path realDir, String shardName, String tensor) throws IOException {
        String shown = SafetensorsFormatException.printable(shardName);
        if (shardName.isEmpty() || shardName.indexOf('\0') >= 0) {
            throw new SafetensorsFormatException(index, tensor, Rule.SHARD_OUTSIDE_DIR, "shard name '" + shown + "' is not a file name");
        }
        Path rel;
        try {
            rel = dir.getFileSystem().getPath(shardName);
        } catch (java.nio.file.InvalidPathException e) {
            throw new SafetensorsFormatException(index, tensor, Rule.SHARD_OUTSIDE_DIR, "shard name '" + shown + "' is not a valid path");
        }
        if (rel.isAbsolute() || rel.getRoot() != null || shardName.startsWith("/") || shardName.startsWith("\\")) {
            throw new SafetensorsFormatException(index, tensor, Rule.SHARD_OUTSIDE_DIR,
                    "shard name '" + shown + "' is absolute; shards must be inside " + dir);
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new SafetensorsFormatException(index, tensor, Rule.SHARD_OUTSIDE_DIR,
                        "shard name '" + shown + "' contains '..'; shards must be inside " + dir);
            }
        }
        Path shard = dir.resolve(rel).normalize();
        if (!Files.isRegularFile(shard)) {
            throw new SafetensorsFormatException(index, tensor, Rule.SHARD_MISSING,
                    "shard '" + shown + "' named by weight_map is not a file in " + dir);
        }
        Path real = shard.toRealPath();
        if (!real.startsWith(realDir)) {
            throw new SafetensorsFormatException(index, tensor, Rule.SHARD_OUTSIDE_DIR,
                    "shard '" + shown + "' resolves to " + real + ", outside the model directory " + realDir);
        }
        return real;
    }

    /** {"metadata": {scalar...}, "weight_map": {name: file}}; unknown top-level keys are skipped. */
    static Index parseIndex(Path index, byte[] bytes) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, String> weightMap = null;
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer text = StrictJson.decodeUtf8(in);
        if (text == null) {
            throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID,
                    "index is not valid UTF-8: malformed sequence at byte " + in.position());
        }
        try (JsonParser p = StrictJson.FACTORY.createParser(text.array(), 0, text.limit())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID, "index is not a JSON object");
            }
            while (p.nextToken() != JsonToken.END_OBJECT) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                switch (key) {
                    case "metadata" -> {
                        if (v != JsonToken.START_OBJECT) {
                            throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID, "metadata must be an object, found " + v);
                        }
                        while (p.nextToken() != JsonToken.END_OBJECT) {
                            String mk = p.currentName();
                            JsonToken mv = p.nextToken();
                            if (!mv.isScalarValue()) {
                                throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID,
                                        "metadata value of '" + SafetensorsFormatException.printable(mk) + "' must be a scalar, found " + mv);
                            }
                            metadata.put(mk, p.getText());
                        }
                    }
                    case "weight_map" -> {
                        if (v != JsonToken.START_OBJECT) {
                            throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID, "weight_map must be an object, found " + v);
                        }
                        weightMap = new LinkedHashMap<>();
                        while (p.nextToken() != JsonToken.END_OBJECT) {
                            String name = p.currentName();
                            if (p.nextToken() != JsonToken.VALUE_STRING) {
                                throw new SafetensorsFormatException(index, name, Rule.INDEX_INVALID,
                                        "weight_map value must be a shard file name, found " + p.currentToken());
                            }
                            weightMap.put(name, p.getText());
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            JsonToken after;
            try {
                after = p.nextToken();
            } catch (JsonProcessingException e) {
                after = JsonToken.NOT_AVAILABLE;
            }
            if (after != null) {
                throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID, "content after the index's JSON object");
            }
        } catch (JsonProcessingException e) {
            String dup = StrictJson.duplicateName(e);
            throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID, dup != null
                    ? "key '" + SafetensorsFormatException.printable(dup) + "' appears twice"
                    : "index is not valid JSON: " + StrictJson.describe(e), e);
        } catch (IOException e) {
            // parsing chars does no I/O; keep any other parser complaint a format error
            throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID, "index is not valid JSON: " + e, e);
        }
        if (weightMap == null) {
            throw new SafetensorsFormatException(index, null, Rule.INDEX_INVALID, "index has no weight_map");
        }
        return new Index(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(weightMap));
    }

    /** The directory, index or file this checkpoint was opened from. */
    public Path source() {
        return source;
    }

    /** The opened files (one, or the shards in index order). */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** All tensor names, shard by shard in file order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(owner.keySet());
    }

    /** All entries, shard by shard in file order. */
    public List<TensorInfo> tensors() {
        List<TensorInfo> out = new ArrayList<>(owner.size());
        for (SafetensorsFile f : files) {
            out.addAll(f.tensors());
        }
        return out;
    }

    /** Merged {@code __metadata__} of the files (the first shard wins on a conflicting key). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The index's {@code metadata} object (e.g. total_size), values as text; empty without an index. */
    public Map<String, String> indexMetadata() {
        return indexMetadata;
    }

    public boolean contains(String name) {
        return owner.containsKey(name);
    }

    /** The file holding {@code name}. */
    public Path fileOf(String name) {
        return ownerOf(name).path();
    }

    public TensorInfo info(String name) {
        return ownerOf(name).info(name);
    }

    /** A zero-copy tensor over the mapped shard, valid until {@link #close()}. */
    public Tensor tensor(String name) {
        return ownerOf(name).tensor(name);
    }

    private SafetensorsFile ownerOf(String name) {
        SafetensorsFile f = owner.get(name);
        if (f == null) {
            throw NoSuchTensorException.of(source.toString(), name, new TreeSet<>(owner.keySet()));
        }
        return f;
    }

    @Override
    public void close() {
        for (SafetensorsFile f : files) {
            f.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsCheckpoint[" + source + ", " + files.size() + " files, " + owner.size() + " tensors]";
    }
}
