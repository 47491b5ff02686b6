package dev.ocelli.testdata;

import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One reference file: named input and expected tensors plus the {@code __metadata__} the
 * generator stamped (generator_version, torch_version, group, and whatever the case adds, e.g.
 * the torch call that produced it).
 */
public final class ReferenceCase implements AutoCloseable {

    private final String relpath;
    private final SafetensorsFile file;

    ReferenceCase(String relpath, SafetensorsFile file) {
        this.relpath = relpath;
        this.file = file;
    }

    /** The name passed to {@link ReferenceData#load}, e.g. "ops/gelu". */
    public String relpath() {
        return relpath;
    }

    public Path path() {
        return file.path();
    }

    /** The underlying file, for raw access ({@link SafetensorsFile#bytes}, {@link SafetensorsFile#info}). */
    public SafetensorsFile file() {
        return file;
    }

    /** The tensor as stored (any dtype), viewing the mapped file. Unknown names throw, listing close ones. */
    public Tensor tensor(String name) {
        return file.tensor(name);
    }

    /** The tensor converted to a fresh F32 array in C order. */
    public float[] floats(String name) {
        return file.tensor(name).toFloatArray();
    }

    public boolean has(String name) {
        return file.contains(name);
    }

    /** Tensor names, sorted. */
    public List<String> names() {
        List<String> n = new ArrayList<>(file.names());
        Collections.sort(n);
        return Collections.unmodifiableList(n);
    }

    /** The file's {@code __metadata__}. */
    public Map<String, String> metadata() {
        return file.metadata();
    }

    /** A metadata value, or an {@link IllegalStateException} naming the file when it is absent. */
    public String meta(String key) {
        String v = file.metadata().get(key);
        if (v == null) {
            throw new IllegalStateException(relpath + ": no __metadata__ key '" + key + "' (has " + file.metadata().keySet() + ")");
        }
        return v;
    }

    /** Unmaps the file; tensors obtained from this case must not be used afterwards. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "ReferenceCase[" + relpath + ", " + file.names().size() + " tensors]";
    }
}
