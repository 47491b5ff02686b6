package dev.ocelli.core.safetensors;

import dev.ocelli.core.DType;
import dev.ocelli.core.Layout;
import dev.ocelli.core.OcelliException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Storage;
import dev.ocelli.core.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One memory-mapped safetensors file.
 *
 * <p>The whole file is mapped once through FFM ({@code FileChannel.map(READ_ONLY, 0, size,
 * arena)}), so there is no 2 GB limit, and {@link #tensor} returns tensors that view slices of the
 * mapping directly: nothing is copied, whatever the dtype. The mapping lives in a shared
 * {@link Arena}, so tensors may be read from several threads; {@link #close()} unmaps it, after
 * which reading any tensor obtained from this file throws {@link IllegalStateException}.
 */
public final class SafetensorsFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapped, SafetensorsHeader header) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.header = header;
    }

    /**
     * Maps and validates {@code path}.
     *
     * @throws SafetensorsFormatException if the file breaks a format rule
     * @throws UncheckedIOException if it cannot be opened or mapped
     */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            // mapping 0 bytes is legal, the parser then reports FILE_TOO_SMALL
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            SafetensorsHeader header = SafetensorsHeader.parse(path, seg);
            return new SafetensorsFile(path, arena, seg, header);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot map safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The validated header (lengths, offsets). */
    public SafetensorsHeader header() {
        return header;
    }

    /** {@code __metadata__}, empty when the file has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** All tensors in file order of their data offsets. */
    public List<TensorInfo> tensors() {
        return header.tensors();
    }

    /** Tensor names in file order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(header.tensors().size());
        for (TensorInfo t : header.tensors()) {
            names.add(t.name());
        }
        return names;
    }

    public boolean contains(String name) {
        return header.find(name) != null;
    }

    /** The entry for {@code name}; throws {@link NoSuchTensorException} naming close names. */
    public TensorInfo info(String name) {
        TensorInfo t = header.find(name);
        if (t == null) {
            throw NoSuchTensorException.of(path.toString(), name, names());
        }
        return t;
    }

    /** The mapped bytes of one tensor (little-endian, C order). */
    public MemorySegment bytes(String name) {
        TensorInfo t = info(name);
        return mapped.asSlice(header.dataStart() + t.begin(), t.byteSize());
    }

    /**
     * A contiguous tensor viewing the mapped bytes, no copy. Valid until {@link #close()}.
     * Tensors hold F32, F16, BF16, I64 and U8 ({@link DType#isSupported()}); for the other
     * dtypes this throws and {@link #bytes(String)} gives the raw little-endian data.
     */
    public Tensor tensor(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().isSupported()) {
            throw new OcelliException(path + ": tensor '" + SafetensorsFormatException.printable(name) + "' has dtype "
                    + t.dtype() + ", which Ocelli tensors cannot hold (F32, F16, BF16, I64, U8); read it with bytes()");
        }
        MemorySegment slice = mapped.asSlice(header.dataStart() + t.begin(), t.byteSize());
        long[] shape = t.shape();
        return Tensor.wrap(Storage.ofSegment(slice, t.dtype()),
                new Layout(shape, Shapes.contiguousStrides(shape), 0));
    }

    /** Unmaps the file. Tensors obtained from it must not be used afterwards. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    static List<String> namesOf(Collection<TensorInfo> infos) {
        List<String> names = new ArrayList<>(infos.size());
        for (TensorInfo t : infos) {
            names.add(t.name());
        }
        return names;
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + header.tensors().size() + " tensors]";
    }
}
