package dev.ocelli.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional view of a {@link Storage}: dtype from the storage, shape/strides/offset from a
 * {@link Layout}. Follows PyTorch's {@code torch.Tensor} semantics for everything it offers, so
 * code ported from a model's {@code forward} reads the same.
 *
 * <p>Views ({@code reshape} when possible, {@code view}, {@code permute}, {@code transpose},
 * {@code narrow}, {@code slice}, {@code squeeze}, {@code unsqueeze}, {@code expand},
 * {@code split}) only make a new Layout and share the storage: writes through one are seen by
 * all. Dims may be negative (-1 is the last). Math and {@code concat} return fresh contiguous
 * tensors. Compute dtype is F32; F16/BF16/I64/U8 are storage types read as float.
 *
 * <p>Tensors are not thread-safe for writes; concurrent reads are fine.
 */
public final class Tensor {

    private final Storage storage;
    private final Layout layout;
    // Private copies of the layout arrays: Layout hands out clones, the hot paths read these.
    private final long[] shape;
    private final long[] strides;
    private final long offset;

    private Tensor(Storage storage, Layout layout) {
        this.storage = storage;
        this.layout = layout;
        this.shape = layout.shape();
        this.strides = layout.strides();
        this.offset = layout.offset();
    }

    // ---------------------------------------------------------------- creation

    /** Zeroed contiguous F32 tensor. */
    public static Tensor zeros(long... shape) {
        return zeros(DType.F32, shape);
    }

    /** Zeroed contiguous heap tensor of any supported dtype. */
    public static Tensor zeros(DType dtype, long... shape) {
        checkSupported(dtype);
        return new Tensor(Storage.allocate(dtype, Shapes.numel(shape)), Layout.contiguous(shape));
    }

    /** Contiguous F32 tensor over {@code data} (no copy); its length must equal the shape's numel. */
    public static Tensor of(float[] data, long... shape) {
        long n = Shapes.numel(shape);
        if (n != data.length) {
            throw new ShapeException("cannot view float[" + data.length + "] as " + Shapes.str(shape)
                    + " (" + n + " elements)");
        }
        return new Tensor(Storage.ofFloats(data), Layout.contiguous(shape));
    }

    /** Tensor over {@code s} with layout {@code l}; checks that the layout stays inside the storage. */
    public static Tensor wrap(Storage s, Layout l) {
        checkSupported(s.dtype());
        long need = l.requiredElements();
        if (l.numel() > 0 && need > s.elements()) {
            throw new ShapeException("layout " + Shapes.str(l.shape()) + " strides " + Shapes.str(l.strides())
                    + " offset " + l.offset() + " needs " + need + " elements but the " + s.dtype()
                    + " storage holds " + s.elements());
        }
        return new Tensor(s, l);
    }

    /** Rank-0 F32 tensor holding {@code v}. */
    public static Tensor scalar(float v) {
        return of(new float[] {v});
    }

    private static void checkSupported(DType dtype) {
        if (!dtype.isSupported()) {
            throw new OcelliException("dtype " + dtype + " is not supported in tensors (supported: F32, F16, BF16, I64, U8)");
        }
    }

    // ---------------------------------------------------------------- metadata

    public DType dtype() {
        return storage.dtype();
    }

    public Layout layout() {
        return layout;
    }

    public Storage storage() {
        return storage;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** A copy of the strides, in elements. */
    public long[] strides() {
        return strides.clone();
    }

    /** Offset of element (0,…,0) in the storage, in elements. */
    public long offset() {
        return offset;
    }

    public int rank() {
        return shape.length;
    }

    /** Size of {@code dim}; negative dims count from the end. */
    public long size(int dim) {
        return shape[dim(dim)];
    }

    public long numel() {
        return Shapes.numel(shape);
    }

    public boolean isContiguous() {
        return layout.isContiguous();
    }

    private int dim(int dim) {
        return Shapes.dim(dim, shape.length, shape);
    }

    // ---------------------------------------------------------------- element access

    /** Element at {@code idx} converted to float. */
    public float get(long... idx) {
        return storage.getFloat(layout.elementIndex(idx));
    }

    /** Writes {@code v} at {@code idx} (converted to the dtype; read-only mapped storage throws). */
    public void set(float v, long... idx) {
        storage.setFloat(layout.elementIndex(idx), v);
    }

    // ---------------------------------------------------------------- views

    private Tensor derive(long[] newShape, long[] newStrides, long newOffset) {
        return new Tensor(storage, new Layout(newShape, newStrides, newOffset));
    }

    /** Replaces a single -1 by the size that keeps numel; ShapeException if impossible. */
    private long[] inferShape(long[] requested, String verb) {
        long[] out = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new ShapeException("cannot " + verb + " " + Shapes.str(shape) + " to " + Shapes.str(requested)
                            + ": only one dim can be -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new ShapeException("cannot " + verb + " " + Shapes.str(shape) + " to " + Shapes.str(requested)
                        + ": negative size");
            } else {
                known = Math.multiplyExact(known, out[i]);
            }
        }
        long n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new ShapeException("cannot " + verb + " " + Shapes.str(shape) + " to " + Shapes.str(requested));
            }
            out[infer] = n / known;
        } else if (known != n) {
            throw new ShapeException("cannot " + verb + " " + Shapes.str(shape) + " to " + Shapes.str(requested));
        }
        return out;
    }

    /**
     * Strides that let {@code newShape} view the same elements, or null (ATen's
     * {@code computeStride}): walk the old dims from the right in chunks that are contiguous
     * with each other, and fit new dims into each chunk exactly.
     */
    private long[] viewStrides(long[] newShape) {
        long[] ns = new long[newShape.length];
        if (numel() == 0 || shape.length == 0) {
            return Shapes.contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBaseStride = strides[shape.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int td = shape.length - 1; td >= 0; td--) {
            tensorNumel *= shape[td];
            if (td == 0 || (shape[td - 1] != 1 && strides[td - 1] != tensorNumel * chunkBaseStride)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    ns[viewD] = viewNumel * chunkBaseStride;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (td > 0) {
                    chunkBaseStride = strides[td - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? ns : null;
    }

    /** A view with {@code shape} when the strides allow it, else a contiguous copy (PyTorch). */
    public Tensor reshape(long... newShape) {
        long[] s = inferShape(newShape, "reshape");
        long[] st = viewStrides(s);
        if (st != null) {
            return derive(s, st, offset);
        }
        return contiguous().view(s);
    }

    /** A view with {@code shape}; ShapeException when the strides do not allow one. */
    public Tensor view(long... newShape) {
        long[] s = inferShape(newShape, "view");
        long[] st = viewStrides(s);
        if (st == null) {
            throw new ShapeException("cannot view " + Shapes.str(shape) + " with strides " + Shapes.str(strides)
                    + " as " + Shapes.str(newShape) + ": not compatible with the strides, use reshape()");
        }
        return derive(s, st, offset);
    }

    /** Reorders dims: result dim i is this tensor's dim {@code dims[i]}. */
    public Tensor permute(int... dims) {
        if (dims.length != shape.length) {
            throw new ShapeException("permute " + Shapes.str(dims) + " does not match rank " + shape.length
                    + " of " + Shapes.str(shape));
        }
        long[] s = new long[dims.length];
        long[] st = new long[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = dim(dims[i]);
            if (seen[d]) {
                throw new ShapeException("permute " + Shapes.str(dims) + " repeats dim " + d + " of " + Shapes.str(shape));
            }
            seen[d] = true;
            s[i] = shape[d];
            st[i] = strides[d];
        }
        return derive(s, st, offset);
    }

    /** Swaps two dims. */
    public Tensor transpose(int d0, int d1) {
        int a = dim(d0);
        int b = dim(d1);
        long[] s = shape.clone();
        long[] st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return derive(s, st, offset);
    }

    /** Elements {@code [start, start+length)} of {@code dim}; a negative start counts from the end. */
    public Tensor narrow(int dim, long start, long length) {
        int d = dim(dim);
        long st = start < 0 ? start + shape[d] : start;
        if (st < 0 || length < 0 || st + length > shape[d]) {
            throw new ShapeException("narrow(dim " + dim + ", start " + start + ", length " + length
                    + ") out of range for " + Shapes.str(shape));
        }
        long[] s = shape.clone();
        s[d] = length;
        return derive(s, strides.clone(), offset + st * strides[d]);
    }

    /**
     * Python slice {@code [start:end:step]} along {@code dim}: negative start/end count from the
     * end, both are clamped to the size, step must be positive (as in PyTorch).
     */
    public Tensor slice(int dim, long start, long end, long step) {
        int d = dim(dim);
        if (step <= 0) {
            throw new ShapeException("slice step must be positive, got " + step + " for dim " + dim + " of "
                    + Shapes.str(shape));
        }
        long n = shape[d];
        long b = Math.clamp(start < 0 ? start + n : start, 0, n);
        long e = Math.clamp(end < 0 ? end + n : end, 0, n);
        long len = e > b ? (e - b + step - 1) / step : 0;
        long[] s = shape.clone();
        long[] st = strides.clone();
        s[d] = len;
        st[d] = strides[d] * step;
        return derive(s, st, offset + (len > 0 ? b * strides[d] : 0));
    }

    /** Removes {@code dim} if its size is 1; otherwise returns an unchanged view (PyTorch). */
    public Tensor squeeze(int dim) {
        int d = dim(dim);
        if (shape[d] != 1) {
            return this;
        }
        return derive(remove(shape, d), remove(strides, d), offset);
    }

    private static long[] remove(long[] a, int i) {
        long[] r = new long[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    /** Removes every size-1 dim. */
    public Tensor squeeze() {
        int keep = 0;
        for (long s : shape) {
            if (s != 1) {
                keep++;
            }
        }
        long[] s = new long[keep];
        long[] st = new long[keep];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return derive(s, st, offset);
    }

    /** Inserts a size-1 dim at {@code dim} (range {@code [-rank-1, rank]}). */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.dim(dim, shape.length + 1, shape);
        long[] s = new long[shape.length + 1];
        long[] st = new long[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == d) {
                s[i] = 1;
                // PyTorch's choice, keeps a contiguous tensor contiguous under any stride check
                st[i] = d < shape.length ? shape[d] * strides[d] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return derive(s, st, offset);
    }

    /**
     * Broadcasts size-1 dims (and new leading dims) to {@code newShape} with stride 0, no copy.
     * -1 keeps a dim's size. Writing to an expanded view writes the shared element.
     */
    public Tensor expand(long... newShape) {
        int lead = newShape.length - shape.length;
        if (lead < 0) {
            throw new ShapeException("cannot expand " + Shapes.str(shape) + " to " + Shapes.str(newShape)
                    + ": target has fewer dims");
        }
        long[] s = new long[newShape.length];
        long[] st = new long[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            long want = newShape[i];
            if (i < lead) {
                if (want < 0) {
                    throw new ShapeException("cannot expand " + Shapes.str(shape) + " to " + Shapes.str(newShape)
                            + ": -1 not allowed for new leading dim " + i);
                }
                s[i] = want;
                st[i] = 0;
                continue;
            }
            long have = shape[i - lead];
            if (want == -1 || want == have) {
                s[i] = have;
                st[i] = strides[i - lead];
            } else if (have == 1 && want >= 0) {
                s[i] = want;
                st[i] = 0;
            } else {
                throw new ShapeException("cannot expand " + Shapes.str(shape) + " to " + Shapes.str(newShape));
            }
        }
        return derive(s, st, offset);
    }

    /** Splits {@code dim} into views of {@code splitSize} elements, the last one possibly shorter. */
    public List<Tensor> split(int dim, long splitSize) {
        int d = dim(dim);
        if (splitSize <= 0) {
            throw new ShapeException("split size must be positive, got " + splitSize + " for " + Shapes.str(shape));
        }
        List<Tensor> out = new ArrayList<>();
        for (long start = 0; start < shape[d]; start += splitSize) {
            out.add(narrow(d, start, Math.min(splitSize, shape[d] - start)));
        }
        if (out.isEmpty()) {
            out.add(narrow(d, 0, 0)); // PyTorch returns one empty chunk for an empty dim
        }
        return out;
    }

    /** Splits {@code dim} into views of the given sizes, which must add up to the dim's size. */
    public List<Tensor> split(int dim, long[] sizes) {
        int d = dim(dim);
        long sum = 0;
        for (long s : sizes) {
            if (s < 0) {
                throw new ShapeException("split sizes " + Shapes.str(sizes) + " contain a negative size for "
                        + Shapes.str(shape));
            }
            sum += s;
        }
        if (sum != shape[d]) {
            throw new ShapeException("split sizes " + Shapes.str(sizes) + " sum to " + sum + " but dim " + dim
                    + " of " + Shapes.str(shape) + " has size " + shape[d]);
        }
        List<Tensor> out = new ArrayList<>(sizes.length);
        long start = 0;
        for (long s : sizes) {
            out.add(narrow(d, start, s));
            start += s;
        }
        return out;
    }

    // ---------------------------------------------------------------- copies

    /** This tensor if already contiguous (same object), else a contiguous heap copy of the same dtype. */
    public Tensor contiguous() {
        if (isContiguous()) {
            return this;
        }
        if (dtype() == DType.F32) {
            return of(toFloatArray(), shape); // the gather has the tiled and bulk paths
        }
        Tensor out = zeros(dtype(), shape);
        out.copyFrom(this);
        return out;
    }

    /**
     * Copies {@code src} (same shape and dtype) into this tensor's elements, e.g. into a
     * {@code narrow} view of a larger tensor. {@code src} must not overlap this tensor's
     * elements in the same storage.
     */
    public void copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw new ShapeException("cannot copy " + Shapes.str(src.shape) + " into " + Shapes.str(shape));
        }
        if (src.dtype() != dtype()) {
            throw new OcelliException("cannot copy " + src.dtype() + " " + Shapes.str(src.shape) + " into "
                    + dtype() + " " + Shapes.str(shape) + "; convert with to() first");
        }
        if (storage.isReadOnly()) {
            throw new OcelliException("cannot write to read-only " + dtype() + " tensor " + Shapes.str(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if (strides[i] == 0 && shape[i] > 1) { // PyTorch refuses this too: the result would depend on order
                throw new ShapeException("cannot copy into " + Shapes.str(shape) + " with strides " + Shapes.str(strides)
                        + ": expanded dims (stride 0) make several elements share one location");
            }
        }
        Strided.copy(src.storage, shape, src.strides, src.offset, storage, strides, offset);
    }

    /** A fresh contiguous F32 copy in C order, converting from the storage dtype. */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new OcelliException("tensor " + Shapes.str(shape) + " has " + n + " elements, too many for a float[]");
        }
        float[] out = new float[(int) n];
        if (n > 0) {
            Strided.toFloats(storage, shape, strides, offset, out);
        }
        return out;
    }

    /**
     * Converts to {@code dtype} (F32, F16, BF16, I64, U8) through F32; returns this if the dtype
     * already matches. F16/BF16 round to nearest-even; I64/U8 truncate toward zero (U8 wraps).
     */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        checkSupported(dtype);
        float[] f = toFloatArray();
        if (dtype == DType.F32) {
            return of(f, shape);
        }
        Storage s = Storage.allocate(dtype, f.length);
        Conversions.fromF32(dtype, f, 0, s.segment(), 0, f.length);
        return new Tensor(s, Layout.contiguous(shape));
    }

    /** Concatenates along {@code dim}; all other sizes and the dtype must match. */
    public static Tensor concat(int dim, Tensor... ts) {
        return concat(dim, Arrays.asList(ts));
    }

    public static Tensor concat(int dim, List<Tensor> ts) {
        if (ts.isEmpty()) {
            throw new ShapeException("concat needs at least one tensor");
        }
        Tensor first = ts.get(0);
        int d = Shapes.dim(dim, first.rank(), first.shape);
        long[] out = first.shape();
        out[d] = 0;
        for (Tensor t : ts) {
            boolean ok = t.rank() == first.rank();
            for (int i = 0; ok && i < out.length; i++) {
                ok = i == d || t.shape[i] == first.shape[i];
            }
            if (!ok) {
                throw new ShapeException("cannot concat " + Shapes.str(first.shape) + " with " + Shapes.str(t.shape)
                        + " along dim " + dim);
            }
            if (t.dtype() != first.dtype()) {
                throw new OcelliException("cannot concat " + first.dtype() + " " + Shapes.str(first.shape) + " with "
                        + t.dtype() + " " + Shapes.str(t.shape));
            }
            out[d] += t.shape[d];
        }
        Tensor r = zeros(first.dtype(), out);
        long pos = 0;
        for (Tensor t : ts) {
            r.narrow(d, pos, t.shape[d]).copyFrom(t);
            pos += t.shape[d];
        }
        return r;
    }

    // ---------------------------------------------------------------- math

    public Tensor add(Tensor o) {
        return binary(Strided.Op.ADD, o);
    }

    public Tensor sub(Tensor o) {
        return binary(Strided.Op.SUB, o);
    }

    public Tensor mul(Tensor o) {
        return binary(Strided.Op.MUL, o);
    }

    public Tensor div(Tensor o) {
        return binary(Strided.Op.DIV, o);
    }

    /** {@code this * s} as a new contiguous tensor. */
    public Tensor scale(float s) {
        return mul(scalar(s));
    }

    private Tensor binary(Strided.Op op, Tensor o) {
        requireF32(op);
        o.requireF32(op);
        long[] outShape = Shapes.broadcast(shape, o.shape);
        if (Shapes.numel(outShape) > Integer.MAX_VALUE - 8) {
            throw new OcelliException(op.name().toLowerCase() + " result " + Shapes.str(outShape) + " is too large for a float[]");
        }
        Tensor a = heapF32().expand(outShape);
        Tensor b = o.heapF32().expand(outShape);
        float[] out = new float[(int) Shapes.numel(outShape)];
        Strided.binary(op, a.storage.floatArray(), a.strides, a.offset, b.storage.floatArray(), b.strides, b.offset,
                out, outShape);
        return of(out, outShape);
    }

    private void requireF32(Strided.Op op) {
        if (dtype() != DType.F32) {
            throw new OcelliException(op.name().toLowerCase() + " needs F32 tensors, got " + dtype() + " "
                    + Shapes.str(shape) + "; call to(DType.F32) first");
        }
    }

    /** This tensor if its storage is a float[], else a contiguous heap copy (mapped F32). */
    private Tensor heapF32() {
        return storage.floatArray() != null ? this : of(toFloatArray(), shape);
    }

    // ---------------------------------------------------------------- printing

    /** {@code Tensor[F32 [2,3] contiguous] [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}, at most 6 values. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor[").append(dtype()).append(' ').append(Shapes.str(shape));
        if (isContiguous()) {
            sb.append(" contiguous");
        } else {
            sb.append(" strides ").append(Shapes.str(strides));
        }
        if (offset != 0) {
            sb.append(" offset ").append(offset);
        }
        sb.append("] [");
        long n = numel();
        long[] idx = new long[shape.length];
        for (long i = 0; i < Math.min(n, 6); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(get(idx));
            for (int d = idx.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        if (n > 6) {
            sb.append(", ... (").append(n).append(" values)");
        }
        return sb.append(']').toString();
    }
}
