package dev.ocelli.core;

import java.lang.foreign.MemorySegment;

/**
 * Strided loops behind {@link Tensor}: gather to a contiguous array, copy between two layouts of
 * the same shape, and broadcast elementwise math.
 *
 * <p>Every loop runs the same way: first {@link #plan} drops size-1 dims and merges neighbouring
 * dims that are contiguous with each other in every operand (so a permuted [B,H,T,D] tensor
 * becomes rows of D elements, and a contiguous tensor a single row). Then an odometer walks the
 * outer dims, keeping one running base offset per operand, and an inner loop runs along the last
 * dim. The odometer costs a few additions per row, not per element.
 */
final class Strided {

    private Strided() {
    }

    /** Coalesced iteration: {@code shape[rank]} and one stride array per operand. */
    record Plan(long[] shape, long[][] strides) {
        int rank() {
            return shape.length;
        }

        long inner() {
            return shape[shape.length - 1];
        }

        long innerStride(int op) {
            return strides[op][shape.length - 1];
        }
    }

    @FunctionalInterface
    interface RowFn {
        /** One row of {@code plan.inner()} elements starting at {@code base[op]} for every operand. */
        void row(long[] base);
    }

    static Plan plan(long[] shape, long[]... strides) {
        int r = shape.length;
        int ops = strides.length;
        long[] sh = new long[r];
        long[][] st = new long[ops][r];
        int m = 0;
        for (int d = 0; d < r; d++) {
            if (shape[d] == 1) {
                continue; // a size-1 dim is never stepped, its stride is irrelevant
            }
            boolean merge = m > 0;
            for (int op = 0; op < ops && merge; op++) {
                merge = st[op][m - 1] == strides[op][d] * shape[d];
            }
            if (merge) {
                sh[m - 1] *= shape[d];
                for (int op = 0; op < ops; op++) {
                    st[op][m - 1] = strides[op][d];
                }
            } else {
                sh[m] = shape[d];
                for (int op = 0; op < ops; op++) {
                    st[op][m] = strides[op][d];
                }
                m++;
            }
        }
        if (m == 0) { // a single element
            long[][] one = new long[ops][1];
            return new Plan(new long[] {1}, one);
        }
        long[][] trimmed = new long[ops][];
        for (int op = 0; op < ops; op++) {
            trimmed[op] = java.util.Arrays.copyOf(st[op], m);
        }
        return new Plan(java.util.Arrays.copyOf(sh, m), trimmed);
    }

    /** Walks all rows of {@code p}; {@code offsets} are the operands' starting element indices. */
    static void forEachRow(Plan p, long[] offsets, RowFn fn) {
        long[] shape = p.shape();
        long[][] st = p.strides();
        for (long s : shape) {
            if (s == 0) {
                return;
            }
        }
        int outer = shape.length - 1;
        int ops = offsets.length;
        long[] base = offsets.clone();
        long[] idx = new long[outer];
        while (true) {
            fn.row(base);
            // odometer: bump the last outer dim, carry into the ones before it
            int d = outer - 1;
            for (; d >= 0; d--) {
                idx[d]++;
                for (int op = 0; op < ops; op++) {
                    base[op] += st[op][d];
                }
                if (idx[d] < shape[d]) {
                    break;
                }
                for (int op = 0; op < ops; op++) {
                    base[op] -= st[op][d] * shape[d];
                }
                idx[d] = 0;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** Gathers the elements of (src, layout) in C order into {@code dst[0..numel)}, as floats. */
    static void toFloats(Storage src, long[] shape, long[] strides, long offset, float[] dst) {
        Plan p = plan(shape, strides, Shapes.contiguousStrides(shape));
        int n = (int) p.inner();
        long s = p.innerStride(0);
        float[] a = src.floatArray();
        if (a != null) {
            if (s != 1 && tiledTranspose(a, p, offset, dst, 0)) {
                return;
            }
            forEachRow(p, new long[] {offset, 0}, base -> {
                int i = (int) base[0];
                int o = (int) base[1];
                if (s == 1) {
                    System.arraycopy(a, i, dst, o, n);
                } else {
                    int si = (int) s;
                    for (int j = 0; j < n; j++, i += si) {
                        dst[o + j] = a[i];
                    }
                }
            });
            return;
        }
        DType dt = src.dtype();
        MemorySegment seg = src.segment();
        int es = dt.byteSize();
        forEachRow(p, new long[] {offset, 0}, base -> {
            int o = (int) base[1];
            if (s == 1) {
                Conversions.toF32(dt, seg, base[0] * es, dst, o, n);
            } else {
                long i = base[0];
                for (int j = 0; j < n; j++, i += s) {
                    dst[o + j] = src.getFloat(i);
                }
            }
        });
    }

    /**
     * Block edge of the tiled transpose. 32x32 floats (4 KB read + 4 KB written) fits L1 with
     * room, but when the source stride is a multiple of 512 floats (2 KB) the 32 rows of a
     * tile fall into the same few L1 sets and evict each other, so use 8x8 there. Measured on
     * a 1024x1024 and a 1000x1000 transpose (Zen 5): 8 is best for the first, 32-64 for the second.
     */
    private static int tileFor(long stride) {
        return stride % 512 == 0 ? 8 : 32;
    }

    /**
     * Gather where the source's unit-stride dim is an outer dim k of the plan (a transpose):
     * reading rows with a large stride misses cache on every element, so copy tile x tile
     * blocks of the (k, last) plane instead. Operand 0 of the plan is the source, operand 1 the
     * destination, which must have unit stride along the last dim. Returns false (nothing
     * copied) when the shape does not fit that pattern.
     */
    private static boolean tiledTranspose(float[] a, Plan p, long srcOff, float[] dst, long dstOff) {
        long[] shape = p.shape();
        long[] ss = p.strides()[0];
        long[] ds = p.strides()[1];
        int last = shape.length - 1;
        if (last < 1 || ds[last] != 1) {
            return false;
        }
        int k = -1;
        for (int d = 0; d < last; d++) {
            if (ss[d] == 1) {
                k = d;
            }
        }
        if (k < 0 || shape[k] < 8 || shape[last] < 8) {
            return false;
        }
        // iterate every dim except k and last with an odometer over a reduced plan
        int rest = shape.length - 2;
        long[] rShape = new long[rest + 1];
        long[] rs = new long[rest + 1];
        long[] rd = new long[rest + 1];
        for (int d = 0, j = 0; d < last; d++) {
            if (d != k) {
                rShape[j] = shape[d];
                rs[j] = ss[d];
                rd[j] = ds[d];
                j++;
            }
        }
        rShape[rest] = 1; // dummy inner dim so forEachRow calls once per outer position
        Plan outer = new Plan(rShape, new long[][] {rs, rd});
        int nk = (int) shape[k];
        int nl = (int) shape[last];
        int sl = (int) ss[last];
        int dk = (int) ds[k];
        int tile = tileFor(sl);
        forEachRow(outer, new long[] {srcOff, dstOff}, base -> {
            int sb = (int) base[0];
            int db = (int) base[1];
            for (int k0 = 0; k0 < nk; k0 += tile) {
                int k1 = Math.min(k0 + tile, nk);
                for (int l0 = 0; l0 < nl; l0 += tile) {
                    int l1 = Math.min(l0 + tile, nl);
                    for (int kk = k0; kk < k1; kk++) {
                        int si = sb + kk + l0 * sl;
                        int di = db + kk * dk + l0;
                        for (int l = l0; l < l1; l++, si += sl) {
                            dst[di++] = a[si];
                        }
                    }
                }
            }
        });
        return true;
    }

    /** Copies elements of the same dtype from (src, srcLayout) to (dst, dstLayout), same shape. */
    static void copy(Storage src, long[] shape, long[] srcStrides, long srcOff,
                     Storage dst, long[] dstStrides, long dstOff) {
        Plan p = plan(shape, srcStrides, dstStrides);
        int n = (int) Math.min(p.inner(), Integer.MAX_VALUE);
        long ss = p.innerStride(0);
        long ds = p.innerStride(1);
        float[] a = src.floatArray();
        float[] b = dst.floatArray();
        if (a != null && b != null) {
            if (ss != 1 && tiledTranspose(a, p, srcOff, b, dstOff)) {
                return;
            }
            forEachRow(p, new long[] {srcOff, dstOff}, base -> {
                int i = (int) base[0];
                int o = (int) base[1];
                if (ss == 1 && ds == 1) {
                    System.arraycopy(a, i, b, o, n);
                } else {
                    for (int j = 0; j < n; j++, i += (int) ss, o += (int) ds) {
                        b[o] = a[i];
                    }
                }
            });
            return;
        }
        if (a != null || b != null) { // F32 between heap and a segment (e.g. a mapped weight)
            MemorySegment sseg = src.segment();
            forEachRow(p, new long[] {srcOff, dstOff}, base -> {
                long i = base[0];
                long o = base[1];
                if (b != null && ss == 1 && ds == 1) {
                    Conversions.f32ToF32(sseg, 4 * i, b, (int) o, n);
                    return;
                }
                for (long j = 0; j < p.inner(); j++, i += ss, o += ds) {
                    dst.setFloat(o, src.getFloat(i));
                }
            });
            return;
        }
        MemorySegment sseg = src.segment();
        MemorySegment dseg = dst.segment();
        int es = src.dtype().byteSize();
        forEachRow(p, new long[] {srcOff, dstOff}, base -> {
            if (ss == 1 && ds == 1) {
                MemorySegment.copy(sseg, base[0] * es, dseg, base[1] * es, p.inner() * es);
            } else {
                long i = base[0] * es;
                long o = base[1] * es;
                for (long j = 0; j < p.inner(); j++, i += ss * es, o += ds * es) {
                    MemorySegment.copy(sseg, i, dseg, o, es);
                }
            }
        });
    }

    enum Op { ADD, SUB, MUL, DIV }

    /** out = a op b over {@code shape}; a and b carry broadcast strides (0 on expanded dims). */
    static void binary(Op op, float[] a, long[] as, long aOff, float[] b, long[] bs, long bOff,
                       float[] out, long[] shape) {
        Plan p = plan(shape, as, bs, Shapes.contiguousStrides(shape));
        int n = (int) p.inner();
        int sa = (int) p.innerStride(0);
        int sb = (int) p.innerStride(1);
        forEachRow(p, new long[] {aOff, bOff, 0}, base ->
                row(op, a, (int) base[0], sa, b, (int) base[1], sb, out, (int) base[2], n));
    }

    /**
     * One output row of {@code n} elements. The general strided loop is the definition; the
     * three special cases (both unit stride, one side a broadcast scalar) exist because only
     * loops with plain {@code e} indexing get auto-vectorized by C2 (measured: {@code scale}
     * on [577,1024] went from 1.83 ms to 0.28-0.48 ms on the shared 2-vCPU test machine).
     */
    private static void row(Op op, float[] a, int i, int sa, float[] b, int j, int sb, float[] out, int o, int n) {
        if (sa == 1 && sb == 1) {
            switch (op) {
                case ADD -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = a[i + e] + b[j + e];
                    }
                }
                case SUB -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = a[i + e] - b[j + e];
                    }
                }
                case MUL -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = a[i + e] * b[j + e];
                    }
                }
                case DIV -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = a[i + e] / b[j + e];
                    }
                }
            }
        } else if (sa == 1 && sb == 0) {
            float y = b[j];
            switch (op) {
                case ADD -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = a[i + e] + y;
                    }
                }
                case SUB -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = a[i + e] - y;
                    }
                }
                case MUL -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = a[i + e] * y;
                    }
                }
                case DIV -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = a[i + e] / y;
                    }
                }
            }
        } else if (sa == 0 && sb == 1) {
            float x = a[i];
            switch (op) {
                case ADD -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = x + b[j + e];
                    }
                }
                case SUB -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = x - b[j + e];
                    }
                }
                case MUL -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = x * b[j + e];
                    }
                }
                case DIV -> {
                    for (int e = 0; e < n; e++) {
                        out[o + e] = x / b[j + e];
                    }
                }
            }
        } else {
            switch (op) {
                case ADD -> {
                    for (int e = 0, x = i, y = j; e < n; e++, x += sa, y += sb) {
                        out[o + e] = a[x] + b[y];
                    }
                }
                case SUB -> {
                    for (int e = 0, x = i, y = j; e < n; e++, x += sa, y += sb) {
                        out[o + e] = a[x] - b[y];
                    }
                }
                case MUL -> {
                    for (int e = 0, x = i, y = j; e < n; e++, x += sa, y += sb) {
                        out[o + e] = a[x] * b[y];
                    }
                }
                case DIV -> {
                    for (int e = 0, x = i, y = j; e < n; e++, x += sa, y += sb) {
                        out[o + e] = a[x] / b[y];
                    }
                }
            }
        }
    }
}
