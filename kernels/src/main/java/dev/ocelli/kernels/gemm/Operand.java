package dev.ocelli.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A read-only F32 matrix operand of a GEMM: a heap {@code float[]} or a {@link MemorySegment}
 * (for example a memory-mapped safetensors F32 weight), plus an offset and a row and a column
 * stride. Element (i, j) is at {@code offset + i*rowStride + j*colStride}. Offsets and strides
 * count elements, not bytes (segments are read as little-endian F32 at {@code 4*index}).
 *
 * <p>Transposes, strided views ({@code lda > k}) and segments cost nothing here: the packing
 * routines of the GEMM read any (rowStride, colStride) into their packed panels, so the
 * microkernel only ever sees contiguous packed data.
 *
 * <pre>{@code
 * Operand.rowMajor(x, 0, in)          // x is [rows, in] row-major
 * Operand.rowMajor(w, 0, in).t()      // W is [out, in] (PyTorch Linear); this is Wᵀ, [in, out]
 * Operand.strided(q, off, 3*dim, 1)   // every third row-chunk of a fused qkv buffer
 * }</pre>
 */
public final class Operand {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final float[] array;
    private final MemorySegment segment;
    private final long offset;
    private final long rowStride;
    private final long colStride;
    private final PanelSource source;
    /**
     * The transposed view, made on first use and kept: a Linear or conv call takes Wᵀ of the same
     * weight operand every time, and would otherwise allocate a view per call. Racy on purpose:
     * two threads may each make one, and either is correct.
     */
    private Operand transposed;

    private Operand(float[] array, MemorySegment segment, long offset, long rowStride, long colStride) {
        this(array, segment, offset, rowStride, colStride, null);
    }

    private Operand(float[] array, MemorySegment segment, long offset, long rowStride, long colStride,
                    PanelSource source) {
        if (offset < 0) {
            throw new IllegalArgumentException("operand offset must be >= 0, got " + offset);
        }
        this.array = array;
        this.segment = segment;
        this.offset = offset;
        this.rowStride = rowStride;
        this.colStride = colStride;
        this.source = source;
    }

    /** Row-major matrix in {@code a}: element (i, j) at {@code offset + i*ld + j}. */
    public static Operand rowMajor(float[] a, int offset, int ld) {
        return new Operand(Objects.requireNonNull(a, "array"), null, offset, ld, 1);
    }

    /** Row-major F32 matrix in a segment: element (i, j) at byte {@code 4*(offset + i*ld + j)}. */
    public static Operand rowMajor(MemorySegment s, long offset, long ld) {
        return new Operand(null, Objects.requireNonNull(s, "segment"), offset, ld, 1);
    }

    /** Any strides (in elements), e.g. a column slice or a permuted tensor view. */
    public static Operand strided(float[] a, long offset, long rowStride, long colStride) {
        return new Operand(Objects.requireNonNull(a, "array"), null, offset, rowStride, colStride);
    }

    /** Any strides (in elements) over an F32 segment. */
    public static Operand strided(MemorySegment s, long offset, long rowStride, long colStride) {
        return new Operand(null, Objects.requireNonNull(s, "segment"), offset, rowStride, colStride);
    }

    /**
     * An operand produced by its packing callback (implicit im2row on the A side, implicit im2col
     * on the B side); it has no storage, so it cannot be transposed or shifted. The vector
     * backend's packing asks the callback for whole panels; the other backends read it element by
     * element through {@link PanelSource#get}.
     */
    public static Operand implicit(PanelSource source) {
        return new Operand(null, null, 0, 0, 0, Objects.requireNonNull(source, "source"));
    }

    /** The packing callback of an {@link #implicit} operand, else null. */
    public PanelSource source() { return source; }

    /** The transposed view (strides swapped, no copy). */
    public Operand t() {
        if (source != null) {
            throw new UnsupportedOperationException("an implicit operand cannot be transposed");
        }
        Operand tr = transposed;
        if (tr == null) {
            tr = new Operand(array, segment, offset, colStride, rowStride);
            tr.transposed = this;
            transposed = tr;
        }
        return tr;
    }

    /** The same view moved by {@code elements} (batched GEMM steps through batches this way). */
    public Operand shift(long elements) {
        if (source != null && elements != 0) {
            throw new UnsupportedOperationException("an implicit operand cannot be shifted");
        }
        return elements == 0 ? this : new Operand(array, segment, offset + elements, rowStride, colStride);
    }

    /** Element (i, j). Slow path for references and odd strides; kernels pack instead. */
    public float get(long i, long j) {
        if (source != null) {
            return source.get(i, j);
        }
        long idx = offset + i * rowStride + j * colStride;
        return array != null ? array[(int) idx] : segment.getAtIndex(F32, idx);
    }

    /** The backing array, or null for a segment operand. */
    public float[] array() { return array; }

    /** The backing segment, or null for an array operand. */
    public MemorySegment segment() { return segment; }

    public long offset() { return offset; }

    public long rowStride() { return rowStride; }

    public long colStride() { return colStride; }

    /** Throws naming the operand if a rows×cols view starting at offset does not fit its storage. */
    void checkBounds(String name, long rows, long cols) {
        if (rows == 0 || cols == 0 || source != null) {
            return;
        }
        long lo = offset, hi = offset;
        long dr = (rows - 1) * rowStride, dc = (cols - 1) * colStride;
        lo += Math.min(0, dr) + Math.min(0, dc);
        hi += Math.max(0, dr) + Math.max(0, dc);
        long size = array != null ? array.length : segment.byteSize() / 4;
        if (lo < 0 || hi >= size) {
            throw new IndexOutOfBoundsException("GEMM operand " + name + " [" + rows + "x" + cols + "] with offset "
                    + offset + ", strides (" + rowStride + "," + colStride + ") reaches element " + hi
                    + " but its " + (array != null ? "array" : "segment") + " holds " + size + " floats");
        }
    }

    @Override
    public String toString() {
        if (source != null) {
            return "Operand[implicit " + source + "]";
        }
        return "Operand[" + (array != null ? "float[" + array.length + "]" : "segment " + segment.byteSize() + " B")
                + ", offset " + offset + ", strides (" + rowStride + "," + colStride + ")]";
    }
}
