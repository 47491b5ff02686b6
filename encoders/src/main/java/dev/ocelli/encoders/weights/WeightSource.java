package dev.ocelli.encoders.weights;

import dev.ocelli.core.DType;
import dev.ocelli.core.Tensor;
import java.util.Set;

/**
 * Named weights by their full checkpoint keys, as PyTorch's {@code state_dict()} holds them:
 * a safetensors checkpoint ({@link CheckpointWeights}) or deterministic synthetic weights
 * ({@link SyntheticWeights}). Models read them through a {@link StateDict}, which adds the
 * prefix and the strict bookkeeping.
 *
 * <p>{@link #tensor} always returns F32: F32 checkpoint tensors are views of the memory-mapped
 * file (no copy), F16/BF16 are widened once and cached. Implementations are thread-safe.
 */
public interface WeightSource extends AutoCloseable {

    /** Every key, in file order. */
    Set<String> names();

    default boolean contains(String name) {
        return names().contains(name);
    }

    /** Shape of {@code name} as stored. */
    long[] shape(String name);

    /** Dtype of {@code name} as stored (F32 for synthetic weights). */
    DType dtype(String name);

    /** The weight as F32 (mapped or converted once); valid until {@link #close()}. */
    Tensor tensor(String name);

    /** One line for logs and reports: the file or "synthetic weights, seed 42". */
    String describe();

    /** True for generated weights (the CLI says so in its output). */
    default boolean isSynthetic() {
        return false;
    }

    @Override
    void close();
}
