package dev.ocelli.core;

/**
 * Element types, named as safetensors names them.
 *
 * <p>Ocelli computes in {@link #F32}. {@link #F16}, {@link #BF16}, {@link #I64} and {@link #U8}
 * are storage and I/O types that convert to F32 on load. The remaining safetensors dtypes are
 * listed so that the reader can validate and {@code ocelli inspect} can describe any file the
 * reference implementation accepts, even though Ocelli does not compute with them.
 */
public enum DType {
    BOOL(1, false),
    U8(1, true),
    I8(1, false),
    F8_E5M2(1, false),
    F8_E4M3(1, false),
    I16(2, false),
    U16(2, false),
    F16(2, true),
    BF16(2, true),
    I32(4, false),
    U32(4, false),
    F32(4, true),
    F64(8, false),
    I64(8, true),
    U64(8, false);

    private final int byteSize;
    private final boolean supported;

    DType(int byteSize, boolean supported) {
        this.byteSize = byteSize;
        this.supported = supported;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the dtypes Ocelli can hold in a {@link Tensor} and convert to F32. */
    public boolean isSupported() {
        return supported;
    }

    /** Parses a safetensors dtype name, or returns null when the name is unknown. */
    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
