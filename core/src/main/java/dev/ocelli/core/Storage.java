package dev.ocelli.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The raw elements of one dtype behind one or more {@link Tensor} views.
 *
 * <p>Two kinds, because the engine computes on {@code float[]} while checkpoints are mapped:
 * <ul>
 *   <li>{@link Floats}: a heap {@code float[]} (F32 only). Kernels get the array itself through
 *       {@link #floatArray()}; its {@link #segment()} has host byte order, which is
 *       little-endian on every platform Ocelli targets (x86-64, aarch64).</li>
 *   <li>{@link Bytes}: any {@link MemorySegment} (a heap {@code byte[]} or a slice of a mapped
 *       file), read and written little-endian with unaligned access, since safetensors data is
 *       little-endian and only byte-aligned.</li>
 * </ul>
 * Element indices are in elements of {@link #dtype()}, not bytes.
 */
public abstract sealed class Storage permits Storage.Floats, Storage.Bytes {

    private final DType dtype;

    Storage(DType dtype) {
        this.dtype = dtype;
    }

    public DType dtype() {
        return dtype;
    }

    public abstract long byteSize();

    /** Number of elements of {@link #dtype()}. */
    public long elements() {
        return byteSize() / dtype.byteSize();
    }

    /** The bytes; heap arrays are wrapped with {@link MemorySegment#ofArray}. */
    public abstract MemorySegment segment();

    /** The backing {@code float[]} of a heap F32 storage, else null. */
    public float[] floatArray() {
        return null;
    }

    /** True for storages that cannot be written (e.g. a read-only mapped file). */
    public boolean isReadOnly() {
        return segment().isReadOnly();
    }

    /** Element {@code i} converted to float (supported dtypes only). */
    public abstract float getFloat(long i);

    /** Writes element {@code i}, converting from float to the storage dtype. */
    public abstract void setFloat(long i, float v);

    /** Heap F32, wraps {@code data} without copying. */
    public static Storage ofFloats(float[] data) {
        return new Floats(data);
    }

    /**
     * Zeroed heap storage: F32 gets a {@code float[]}, other dtypes a {@code byte[]}. Both are
     * Java arrays, so F32 is limited to 2^31-1 elements and the others to 2^31-1 bytes.
     */
    public static Storage allocate(DType dtype, long elements) {
        if (elements < 0) {
            throw new OcelliException("cannot allocate " + elements + " elements of " + dtype);
        }
        if (dtype == DType.F32) {
            if (elements > Integer.MAX_VALUE - 8) {
                throw new OcelliException("cannot allocate " + elements + " F32 elements on the heap (limit 2^31-9)");
            }
            return new Floats(new float[(int) elements]);
        }
        long bytes = Math.multiplyExact(elements, (long) dtype.byteSize());
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new OcelliException("cannot allocate " + elements + " " + dtype + " elements on the heap ("
                    + bytes + " bytes, limit 2^31-9)");
        }
        return new Bytes(MemorySegment.ofArray(new byte[(int) bytes]), dtype);
    }

    /** Views {@code seg} (e.g. a slice of a mapped file) as elements of {@code dtype}; no copy. */
    public static Storage ofSegment(MemorySegment seg, DType dtype) {
        if (seg.byteSize() % dtype.byteSize() != 0) {
            throw new OcelliException("segment of " + seg.byteSize() + " bytes is not a whole number of "
                    + dtype + " elements (" + dtype.byteSize() + " bytes each)");
        }
        return new Bytes(seg, dtype);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + dtype + ", " + elements() + " elements]";
    }

    /** Heap F32 backed by a {@code float[]}. */
    public static final class Floats extends Storage {
        private final float[] data;

        Floats(float[] data) {
            super(DType.F32);
            this.data = java.util.Objects.requireNonNull(data, "data");
        }

        @Override
        public long byteSize() {
            return 4L * data.length;
        }

        @Override
        public long elements() {
            return data.length;
        }

        @Override
        public MemorySegment segment() {
            return MemorySegment.ofArray(data);
        }

        @Override
        public float[] floatArray() {
            return data;
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public float getFloat(long i) {
            return data[Math.toIntExact(i)];
        }

        @Override
        public void setFloat(long i, float v) {
            data[Math.toIntExact(i)] = v;
        }
    }

    /** Any dtype in a little-endian memory segment: a heap {@code byte[]} or mapped file bytes. */
    public static final class Bytes extends Storage {
        private final MemorySegment seg;

        Bytes(MemorySegment seg, DType dtype) {
            super(dtype);
            this.seg = java.util.Objects.requireNonNull(seg, "segment");
        }

        @Override
        public long byteSize() {
            return seg.byteSize();
        }

        @Override
        public MemorySegment segment() {
            return seg;
        }

        @Override
        public float getFloat(long i) {
            return switch (dtype()) {
                case F32 -> seg.get(Conversions.LE_FLOAT, 4 * i);
                case F16 -> Float.float16ToFloat(seg.get(Conversions.LE_SHORT, 2 * i));
                case BF16 -> Conversions.bf16ToF32(seg.get(Conversions.LE_SHORT, 2 * i));
                case I64 -> (float) seg.get(Conversions.LE_LONG, 8 * i);
                case U8 -> seg.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
                default -> throw new OcelliException("cannot read " + dtype() + " elements as float");
            };
        }

        @Override
        public void setFloat(long i, float v) {
            if (seg.isReadOnly()) {
                throw new OcelliException("cannot write to read-only " + dtype() + " storage (mapped file?)");
            }
            switch (dtype()) {
                case F32 -> seg.set(Conversions.LE_FLOAT, 4 * i, v);
                case F16 -> seg.set(Conversions.LE_SHORT, 2 * i, Float.floatToFloat16(v));
                case BF16 -> seg.set(Conversions.LE_SHORT, 2 * i, Conversions.f32ToBf16(v));
                case I64 -> seg.set(Conversions.LE_LONG, 8 * i, (long) v);
                case U8 -> seg.set(ValueLayout.JAVA_BYTE, i, (byte) (long) v);
                default -> throw new OcelliException("cannot write " + dtype() + " elements from float");
            }
        }
    }
}
