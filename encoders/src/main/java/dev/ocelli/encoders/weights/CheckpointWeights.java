package dev.ocelli.encoders.weights;

import dev.ocelli.core.DType;
import dev.ocelli.core.OcelliException;
import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsCheckpoint;
import dev.ocelli.core.safetensors.TensorInfo;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weights from a safetensors checkpoint as the hub publishes it: a model directory
 * ({@code config.json} plus {@code model.safetensors} or a sharded
 * {@code model.safetensors.index.json}) or a bare {@code .safetensors} file.
 *
 * <p>F32 tensors are views of the memory-mapped file: loading copies nothing, and the GEMM packs
 * straight from the mapping. F16 and BF16 are widened to F32 once, on first use, and cached
 * (compute is F32). Other dtypes are refused, naming the tensor.
 */
public final class CheckpointWeights implements WeightSource {

    private final SafetensorsCheckpoint ckpt;
    private final Path path;
    private final Path config;
    private final ConcurrentHashMap<String, Tensor> widened = new ConcurrentHashMap<>();

    private CheckpointWeights(SafetensorsCheckpoint ckpt, Path path, Path config) {
        this.ckpt = ckpt;
        this.path = path;
        this.config = config;
    }

    /**
     * Opens a model directory or a bare safetensors / index file.
     *
     * @throws CheckpointException naming the file when it is missing, truncated or malformed
     */
    public static CheckpointWeights open(Path fileOrDir) {
        if (!Files.exists(fileOrDir)) {
            throw new CheckpointException("checkpoint " + fileOrDir + " does not exist");
        }
        SafetensorsCheckpoint c;
        try {
            c = SafetensorsCheckpoint.open(fileOrDir);
        } catch (OcelliException e) {
            throw new CheckpointException("cannot read checkpoint " + fileOrDir + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new CheckpointException("cannot read checkpoint " + fileOrDir + ": " + e.getCause().getMessage(), e);
        }
        Path dir = Files.isDirectory(fileOrDir) ? fileOrDir : fileOrDir.toAbsolutePath().getParent();
        Path cfg = null;
        if (Files.isDirectory(fileOrDir) && Files.isRegularFile(dir.resolve("config.json"))) {
            cfg = dir.resolve("config.json");
        }
        return new CheckpointWeights(c, fileOrDir, cfg);
    }

    /** The directory's config.json, or null (bare file, or a directory without one). */
    public Path configFile() {
        return config;
    }

    /** The directory or file this was opened from. */
    public Path path() {
        return path;
    }

    public SafetensorsCheckpoint checkpoint() {
        return ckpt;
    }

    @Override
    public Set<String> names() {
        return ckpt.names();
    }

    @Override
    public boolean contains(String name) {
        return ckpt.contains(name);
    }

    @Override
    public long[] shape(String name) {
        return ckpt.info(name).shape();
    }

    @Override
    public DType dtype(String name) {
        return ckpt.info(name).dtype();
    }

    @Override
    public Tensor tensor(String name) {
        TensorInfo info = ckpt.info(name);
        return switch (info.dtype()) {
            case F32 -> ckpt.tensor(name);
            case F16, BF16 -> widened.computeIfAbsent(name, n -> ckpt.tensor(n).to(DType.F32));
            default -> throw new CheckpointException(path + ": weight '" + name + "' has dtype " + info.dtype()
                    + "; encoder weights must be F32, F16 or BF16");
        };
    }

    @Override
    public String describe() {
        return "checkpoint " + path;
    }

    @Override
    public void close() {
        widened.clear();
        ckpt.close();
    }

    @Override
    public String toString() {
        return "CheckpointWeights[" + path + ", " + ckpt.names().size() + " tensors]";
    }
}
