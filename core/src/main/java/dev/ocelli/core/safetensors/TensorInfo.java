package dev.ocelli.core.safetensors;

import dev.ocelli.core.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a safetensors header: name, dtype, shape and the byte range
 * {@code [begin, end)} relative to the start of the data buffer (after the 8-byte prefix and
 * the header). Validated entries always satisfy {@code end - begin == numel(shape) * dtype size}.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    /** A copy of the shape (records expose arrays by reference otherwise). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions; 0 for a scalar. */
    public int rank() {
        return shape.length;
    }

    /** {@code end - begin}. */
    public long byteSize() {
        return end - begin;
    }

    /** Product of the dims (1 for a scalar). Validated entries cannot overflow. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + SafetensorsHeader.shapeStr(shape) + " [" + begin + "," + end + ")";
    }
}
