package dev.ocelli.core;

import java.util.Arrays;

/**
 * Where the elements of a tensor live inside its {@link Storage}: shape, strides and offset,
 * all counted in ELEMENTS (not bytes), like candle's {@code Layout} and PyTorch's
 * size/stride/storage_offset.
 *
 * <p>Element {@code (i0, …, in)} is at storage element {@code offset + Σ ik·strides[k]}. Strides
 * are never negative; a stride of 0 repeats an element (what {@code expand} produces).
 * The arrays are copied on the way in and out, so a Layout is immutable.
 */
public record Layout(long[] shape, long[] strides, long offset) {

    public Layout {
        if (shape == null || strides == null) {
            throw new ShapeException("layout needs a shape and strides, got " + Shapes.str(shape)
                    + " and " + Shapes.str(strides));
        }
        if (shape.length != strides.length) {
            throw new ShapeException("shape " + Shapes.str(shape) + " and strides " + Shapes.str(strides)
                    + " differ in rank");
        }
        Shapes.numel(shape); // negative sizes, overflow
        for (long s : strides) {
            if (s < 0) {
                throw new ShapeException("negative stride in " + Shapes.str(strides) + " for shape "
                        + Shapes.str(shape));
            }
        }
        if (offset < 0) {
            throw new ShapeException("negative offset " + offset + " for shape " + Shapes.str(shape));
        }
        shape = shape.clone();
        strides = strides.clone();
    }

    /** C-order layout starting at element 0. */
    public static Layout contiguous(long... shape) {
        return new Layout(shape, Shapes.contiguousStrides(shape), 0);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] strides() {
        return strides.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dim {@code d}, negative dims allowed. */
    public long size(int d) {
        return shape[Shapes.dim(d, shape.length, shape)];
    }

    /** Stride of dim {@code d} in elements, negative dims allowed. */
    public long stride(int d) {
        return strides[Shapes.dim(d, shape.length, shape)];
    }

    public long numel() {
        return Shapes.numel(shape);
    }

    /**
     * True when the elements are dense in C order starting at {@link #offset()} (PyTorch's
     * {@code is_contiguous}): strides of size-1 dims are ignored, empty tensors are contiguous.
     * The offset may be non-zero, so readers of the raw storage must add it.
     */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 0) {
                return true;
            }
        }
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1) {
                if (strides[i] != expected) {
                    return false;
                }
                expected *= shape[i];
            }
        }
        return true;
    }

    /** Storage element index of {@code idx}; ShapeException when out of range. */
    public long elementIndex(long... idx) {
        if (idx.length != shape.length) {
            throw new ShapeException("index " + Shapes.str(idx) + " has rank " + idx.length + " but shape "
                    + Shapes.str(shape) + " has rank " + shape.length);
        }
        long e = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new ShapeException("index " + Shapes.str(idx) + " out of range for " + Shapes.str(shape));
            }
            e += idx[i] * strides[i];
        }
        return e;
    }

    /**
     * One past the largest storage element index this layout touches ({@code offset} when the
     * layout is empty). A storage must hold at least this many elements.
     */
    public long requiredElements() {
        long last = offset;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) {
                return offset;
            }
            last += (shape[i] - 1) * strides[i];
        }
        return last + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && offset == l.offset && Arrays.equals(shape, l.shape)
                && Arrays.equals(strides, l.strides);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(strides)) + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return "Layout[shape=" + Shapes.str(shape) + ", strides=" + Shapes.str(strides) + ", offset=" + offset + "]";
    }
}
