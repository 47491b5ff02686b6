package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.KernelInfo;
import dev.ocelli.kernels.gemm.Epilogue;
import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.gemm.Transpose16;
import dev.ocelli.kernels.parallel.WorkerPool;

import java.util.function.IntConsumer;

/**
 * {@code F.conv2d} in NCHW on the GEMM, routed by case.
 *
 * <p>Letters as in {@link ScalarConv2d}; K = (C/G)·KH·KW is the GEMM's summed dimension and
 * P = OH·OW the output pixels. Per image n and group g the convolution is one GEMM
 * <pre>
 *   out[n][g·OC/G .. , P] = W_g[OC/G, K] · col[K, P]      col[(ci,ky,kx), (oy,ox)] = x[n, g·C/G+ci, iy, ix]
 * </pre>
 * with the weight read in place as the A operand (a mapped F32 checkpoint is never copied) and the
 * output written straight into its NCHW place, so no layout conversion happens on either side.
 * The bias is written into the output first and the GEMM accumulates onto it: the GEMM epilogue's
 * bias runs along columns, ours along rows, and a fill of the output costs little beside the sum.
 *
 * <p>Routes ({@link Route}), the column matrix differing in each:
 * <ol>
 *   <li>{@link Route#DEPTHWISE} (G = C = OC): the SIMD depthwise kernel, no GEMM.</li>
 *   <li>{@link Route#POINTWISE} (1×1, stride 1, no padding): col is the image itself,
 *       x[n] viewed as [C, H·W]; no copy at all.</li>
 *   <li>{@link Route#PATCHIFY} (kernel = stride, no padding or dilation: ViT patch embeddings
 *       14/14, 16/16, ConvNeXt stems 4/4, downsamplers 2/2): channels as rows, output in place.
 *       On the vector GEMM the [K, P] patch matrix is packed into the B panels implicitly
 *       ({@link ImplicitIm2col}, a stride-KW gather); on the other backends it is written once
 *       into per-thread scratch (K·P floats, the size of the input).</li>
 *   <li>{@link Route#IMPLICIT} (every other k×k, vector GEMM): implicit im2row with the pixels
 *       as GEMM rows, C[P, OC/G] = row[P, K] · W_gᵀ, the patch rows produced straight into the
 *       GEMM's packed A panels from a zero-padded copy of the input ({@link ImplicitIm2row}); the
 *       [P, OC/G] result is transposed into NCHW with the bias added on the way.</li>
 *   <li>{@link Route#IMPLICIT_B}: the first implicit design, pixels as GEMM columns packed into
 *       the B panels ({@link ImplicitIm2col}) and the output written in place. Kept for the
 *       walk-through in docs/kernels/conv.md, where it is measured against IMPLICIT.</li>
 *   <li>{@link Route#IM2COL}: an explicit im2col buffer, for backends that cannot take an
 *       implicit operand efficiently (scalar, jblas); also the straightforward version the
 *       others are measured against.</li>
 * </ol>
 * Scratch buffers live in a {@link ThreadLocal} and are reused: a call allocates nothing in steady
 * state beyond what the GEMM allocates (a few small objects).
 */
public final class Conv2d {
    private Conv2d() {}

    /** The ways a convolution can be computed; {@link #route} picks one. */
    public enum Route { DEPTHWISE, POINTWISE, PATCHIFY, IMPLICIT, IMPLICIT_B, IM2COL }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][0]);
    private static final ThreadLocal<ImplicitIm2col> IMPLICIT_SRC = ThreadLocal.withInitial(ImplicitIm2col::new);
    private static final ThreadLocal<ImplicitIm2row> IMPLICIT_ROW = ThreadLocal.withInitial(ImplicitIm2row::new);

    /** The route {@link #conv2d} takes for these sizes on this GEMM backend. */
    public static Route route(ConvShape s, Gemm gemm) {
        if (s.groups() == s.c() && s.oc() == s.c() && s.groups() > 1) {
            return Route.DEPTHWISE;
        }
        boolean noPadDil = s.ph() == 0 && s.pw() == 0 && s.dh() == 1 && s.dw() == 1;
        if (s.kh() == 1 && s.kw() == 1 && s.sh() == 1 && s.sw() == 1 && noPadDil) {
            return Route.POINTWISE;
        }
        if (s.kh() == s.sh() && s.kw() == s.sw() && noPadDil) {
            return Route.PATCHIFY;
        }
        return "vector".equals(gemm.name()) ? Route.IMPLICIT : Route.IM2COL;
    }

    /**
     * out [N, OC, OH, OW] at outOff = conv2d(x [N, C, H, W] at xOff, weight, bias [OC] or null).
     * {@code weight} views the PyTorch weight [OC, C/G, KH, KW] as a row-major [OC, K] matrix
     * (K = (C/G)·KH·KW), e.g. {@code Operand.rowMajor(w, 0, K)} or a mapped segment.
     */
    public static void conv2d(float[] out, int outOff, float[] x, int xOff, Operand weight, float[] bias, int bOff,
                              ConvShape s) {
        Gemm gemm = Gemms.get();
        conv2d(out, outOff, x, xOff, weight, bias, bOff, s, gemm, route(s, gemm));
    }

    /** As {@link #conv2d(float[], int, float[], int, Operand, float[], int, ConvShape)} on a given backend and route (tests, benchmarks). */
    public static void conv2d(float[] out, int outOff, float[] x, int xOff, Operand weight, float[] bias, int bOff,
                              ConvShape s, Gemm gemm, Route route) {
        int oh = s.oh(), ow = s.ow(), p = oh * ow;
        int cg = s.cg(), ocg = s.ocg(), k = cg * s.kh() * s.kw();
        int hw = s.h() * s.w();
        DepthwiseConv.checkRange("conv2d input", x, xOff, (long) s.n() * s.c() * hw);
        DepthwiseConv.checkRange("conv2d output", out, outOff, (long) s.n() * s.oc() * p);
        if (bias != null) {
            DepthwiseConv.checkRange("conv2d bias", bias, bOff, s.oc());
        }
        if (route == Route.DEPTHWISE) {
            if (s.groups() != s.c() || s.oc() != s.c()) {
                throw new IllegalArgumentException("conv2d: depthwise route needs groups = C = OC, got " + s);
            }
            depthwise(out, outOff, x, xOff, weight, bias, bOff, s);
            return;
        }
        if (route == Route.IMPLICIT) {
            implicitRows(out, outOff, x, xOff, weight, bias, bOff, s, gemm);
            return;
        }
        if (route == Route.POINTWISE && (s.kh() != 1 || s.kw() != 1 || s.sh() != 1 || s.sw() != 1 || s.ph() != 0
                || s.pw() != 0)) {
            throw new IllegalArgumentException("conv2d: pointwise route needs a 1x1 kernel, stride 1, no padding, got " + s);
        }
        if (route == Route.PATCHIFY) {
            checkPatchify(s);
        }
        // patchify on the vector GEMM packs its patch matrix implicitly too (a stride-KW gather
        // per packed row): measured faster than writing the patch matrix first (docs/kernels/conv.md)
        boolean implicitB = route == Route.IMPLICIT_B || route == Route.PATCHIFY && "vector".equals(gemm.name());
        float[] col = !implicitB && (route == Route.PATCHIFY || route == Route.IM2COL) ? scratch(0, (long) k * p) : null;
        ImplicitIm2col src = implicitB ? IMPLICIT_SRC.get() : null;
        Operand implicit = src == null ? null : src.operand();
        for (int b = 0; b < s.n(); b++) {
            for (int g = 0; g < s.groups(); g++) {
                int cOff = outOff + (b * s.oc() + g * ocg) * p;
                int xg = xOff + (b * s.c() + g * cg) * hw;
                fillBias(out, cOff, p, bias, bOff + g * ocg, ocg);
                Operand cols = switch (route) {
                    case POINTWISE -> Operand.rowMajor(x, xg, hw);
                    case PATCHIFY -> {
                        if (src != null) {
                            src.set(x, xg, s);
                            yield implicit;
                        }
                        patches(col, x, xg, cg, s);
                        yield Operand.rowMajor(col, 0, p);
                    }
                    case IM2COL -> {
                        im2col(col, x, xg, cg, s, oh, ow);
                        yield Operand.rowMajor(col, 0, p);
                    }
                    case IMPLICIT_B -> {
                        src.set(x, xg, s);
                        yield implicit;
                    }
                    case DEPTHWISE, IMPLICIT -> throw new AssertionError();
                };
                gemm.gemm(out, cOff, p, weight.shift((long) g * ocg * weight.rowStride()), cols, ocg, p, k,
                        bias != null, Epilogue.NONE);
            }
        }
    }

    private static void checkPatchify(ConvShape s) {
        if (s.kh() != s.sh() || s.kw() != s.sw() || s.ph() != 0 || s.pw() != 0 || s.dh() != 1 || s.dw() != 1) {
            throw new IllegalArgumentException("conv2d: patchify route needs kernel = stride, no padding or dilation, got " + s);
        }
    }

    /**
     * The IMPLICIT route, per image and group: pad the input planes (split over the pool's threads),
     * run C[P, OC/G] = row[P, K] · W_gᵀ with the patch rows packed implicitly, then transpose C into
     * the NCHW output adding the bias (split over pixel strips).
     */
    private static void implicitRows(float[] out, int outOff, float[] x, int xOff, Operand weight, float[] bias,
                                     int bOff, ConvShape s, Gemm gemm) {
        int p = s.oh() * s.ow(), cg = s.cg(), ocg = s.ocg(), k = cg * s.kh() * s.kw(), hw = s.h() * s.w();
        float[] xpad = scratch(0, (long) cg * (s.h() + 2 * s.ph()) * (s.w() + 2 * s.pw()) + ImplicitIm2row.SLACK);
        float[] c = scratch(1, (long) p * ocg);
        ImplicitIm2row src = IMPLICIT_ROW.get();
        Operand rows = src.operand();
        WorkerPool pool = WorkerPool.shared();
        int threads = pool.threads();
        for (int b = 0; b < s.n(); b++) {
            for (int g = 0; g < s.groups(); g++) {
                int xg = xOff + (b * s.c() + g * cg) * hw;
                Tasks tk = TASKS.get();
                tk.padPlanes(xpad, x, xg, s, cg, Math.min(cg, 4 * threads));
                try {
                    pool.run(tk.padParts, threads, tk.padTask);
                } finally {
                    tk.clear();
                }
                src.set(xpad, 0, s);
                gemm.gemm(c, 0, ocg, rows, weight.shift((long) g * ocg * weight.rowStride()).t(), p, ocg, k,
                        false, Epilogue.NONE);
                toNchw(out, outOff + (b * s.oc() + g * ocg) * p, c, p, ocg, bias, bOff + g * ocg);
            }
        }
    }

    /**
     * out [ocg, P] at cOff ← cᵀ for c [P, ocg], plus bias[gb + o] on channel o when bias is given;
     * split over pixel strips on the engine pool.
     */
    private static void toNchw(float[] out, int cOff, float[] c, int p, int ocg, float[] bias, int gb) {
        WorkerPool pool = WorkerPool.shared();
        int tiles = (p + TILE - 1) / TILE;
        Tasks tk = TASKS.get();
        tk.nchw(out, cOff, c, p, ocg, bias, gb, tiles, Math.min(tiles, 4 * pool.threads()));
        try {
            pool.run(tk.strips, pool.threads(), tk.nchwTask);
        } finally {
            tk.clear();
        }
    }

    /**
     * out[o·P + i] (at cOff) ← c[i·ocg + o] + bias[gb + o] for pixels i in [p0, p1): 16×16 blocks
     * transposed in registers with the bias added before the store ({@link Transpose16}) where
     * 512-bit vectors are real, the edges (and other machines) by {@link #transposeBlock} and a
     * bias pass over just those elements. A separate bias pass over the whole output used to
     * re-read it from L2.
     */
    private static void transposeOut(float[] out, int cOff, float[] c, int p, int ocg, int p0, int p1,
                                     float[] bias, int gb) {
        int pFull = p0, oFull = 0;
        if (Transpose16.FAST) {
            pFull = p0 + (p1 - p0) / 16 * 16;
            oFull = ocg / 16 * 16;
            float[] bz = bias != null ? bias : NEG_ZEROS;
            for (int i = p0; i < pFull; i += 16) {
                for (int o = 0; o < oFull; o += 16) {
                    // rows = 16 pixels of c (16 channels each) → 16 channel rows of out (16 pixels each)
                    Transpose16.transposeAddBias(c, i * ocg + o, ocg, out, cOff + o * p + i, p, bz,
                            bias != null ? gb + o : 0);
                }
            }
        }
        transposeBlock(out, cOff, c, 0, p, ocg, pFull, p1, 0, ocg);        // pixel tail, all channels
        transposeBlock(out, cOff, c, 0, p, ocg, p0, pFull, oFull, ocg);    // channel tail of full pixel blocks
        if (bias != null) {
            for (int o = 0; o < ocg; o++) {
                float bo = bias[gb + o];
                // channels past oFull took no bias in the blocks: their whole strip; the others only the pixel tail
                for (int i = cOff + o * p + (o < oFull ? pFull : p0), e = cOff + o * p + p1; i < e; i++) {
                    out[i] += bo;
                }
            }
        }
    }

    /**
     * Patch matrix of a kernel = stride convolution: col[(ci, ky, kx), (py, px)] =
     * x[ci, py·KH + ky, px·KW + kx], as [cg·KH·KW, OH·OW] row-major. One pass over the input:
     * each input row (ci, iy) feeds the KW rows (ci, ky, ·) of the patch matrix for patch row py.
     */
    static void patches(float[] col, float[] x, int xOff, int cg, ConvShape s) {
        int kh = s.kh(), kw = s.kw(), h = s.h(), w = s.w(), oh = s.oh(), ow = s.ow(), p = oh * ow;
        for (int ci = 0; ci < cg; ci++) {
            for (int py = 0; py < oh; py++) {
                for (int ky = 0; ky < kh; ky++) {
                    int src = xOff + (ci * h + py * kh + ky) * w;
                    int rowBase = ((ci * kh + ky) * kw) * p + py * ow;
                    for (int kx = 0; kx < kw; kx++) {
                        int d = rowBase + kx * p;
                        for (int px = 0, si = src + kx; px < ow; px++, si += kw) {
                            col[d + px] = x[si];
                        }
                    }
                }
            }
        }
    }

    /**
     * Rows [0, rows) of out (each P long) set to bias[bOff + r]; nothing when bias is null. Split
     * over the engine pool in contiguous row ranges, as the GEMM that accumulates onto them splits
     * its rows: on one thread this fill (2.4 MB for a 14/14 patchify) left the other core idle for
     * about 3% of the convolution.
     */
    static void fillBias(float[] out, int off, int p, float[] bias, int bOff, int rows) {
        if (bias == null) {
            return;
        }
        WorkerPool pool = WorkerPool.shared();
        Tasks tk = TASKS.get();
        tk.bias(out, off, p, bias, bOff, rows, (long) rows * p < 32_768 ? 1 : Math.min(rows, pool.threads()));
        try {
            pool.run(tk.biasParts, tk.biasParts, tk.biasTask);
        } finally {
            tk.clear();
        }
    }

    /** The bias of a bias-free convolution in {@link Transpose16#transposeAddBias}: x + (−0.0) is x, −0.0 included. */
    private static final float[] NEG_ZEROS = {-0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f};

    private static final ThreadLocal<Tasks> TASKS = ThreadLocal.withInitial(Tasks::new);

    /**
     * The pool tasks of one conv call (padding, bias fill, NCHW transpose), one object per calling
     * thread with its fields set before each run: lambdas capturing the call's arguments were
     * allocated on every call. The phases of a call run one after another, never nested.
     */
    private static final class Tasks {
        final IntConsumer padTask = this::padPart;
        final IntConsumer biasTask = this::biasPart;
        final IntConsumer nchwTask = this::nchwPart;
        private float[] out, x, c, xpad, bias;
        private ConvShape s;
        private int xg, cg, off, p, bOff, rows, ocg, gb, tiles;
        int padParts, biasParts, strips;

        void padPlanes(float[] xpad, float[] x, int xg, ConvShape s, int cg, int parts) {
            this.xpad = xpad; this.x = x; this.xg = xg; this.s = s; this.cg = cg; this.padParts = parts;
        }

        void bias(float[] out, int off, int p, float[] bias, int bOff, int rows, int parts) {
            this.out = out; this.off = off; this.p = p; this.bias = bias; this.bOff = bOff; this.rows = rows;
            this.biasParts = parts;
        }

        void nchw(float[] out, int cOff, float[] c, int p, int ocg, float[] bias, int gb, int tiles, int strips) {
            this.out = out; this.off = cOff; this.c = c; this.p = p; this.ocg = ocg; this.bias = bias; this.gb = gb;
            this.tiles = tiles; this.strips = strips;
        }

        /** Drops the references to the call's arrays (the object lives on in a ThreadLocal). */
        void clear() {
            out = x = c = xpad = bias = null;
            s = null;
        }

        private void padPart(int t) {
            ImplicitIm2row.pad(xpad, x, xg, s, cg * t / padParts, cg * (t + 1) / padParts);
        }

        private void biasPart(int t) {
            for (int r = rows * t / biasParts, e = rows * (t + 1) / biasParts; r < e; r++) {
                java.util.Arrays.fill(out, off + r * p, off + (r + 1) * p, bias[bOff + r]);
            }
        }

        private void nchwPart(int t) {
            int p0 = TILE * (tiles * t / strips), p1 = Math.min(p, TILE * (tiles * (t + 1) / strips));
            transposeOut(out, off, c, p, ocg, p0, p1, bias, gb);
        }
    }

    /** col [cg·KH·KW, OH·OW] from the cg channel planes of one image starting at xOff; padding taps are 0. */
    static void im2col(float[] col, float[] x, int xOff, int cg, ConvShape s, int oh, int ow) {
        int h = s.h(), w = s.w(), p = oh * ow;
        int row = 0;
        for (int ci = 0; ci < cg; ci++) {
            int plane = xOff + ci * h * w;
            for (int ky = 0; ky < s.kh(); ky++) {
                for (int kx = 0; kx < s.kw(); kx++, row++) {
                    int dst = row * p;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * s.sh() - s.ph() + ky * s.dh();
                        int d = dst + oy * ow;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(col, d, d + ow, 0f);
                            continue;
                        }
                        int src = plane + iy * w;
                        int ix0 = -s.pw() + kx * s.dw();
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ix0 + ox * s.sw();
                            col[d + ox] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Depthwise route. The SIMD kernel works channels-last (lanes over channels, see
     * {@link VectorDepthwiseConv}), so the NCHW input is transposed into per-thread scratch, the
     * output rows are split over the engine pool's threads, and the result is transposed back;
     * both transposes are split over threads too, since at 192 channels × 192² each moves 28 MB.
     */
    private static void depthwise(float[] out, int outOff, float[] x, int xOff, Operand weight, float[] bias, int bOff,
                                  ConvShape s) {
        int kk = s.kh() * s.kw(), c = s.c();
        float[] wf;
        int wOff;
        if (weight.array() != null && weight.colStride() == 1 && weight.rowStride() == kk) {
            wf = weight.array();
            wOff = (int) weight.offset();
        } else { // a mapped or strided [C, KH·KW] weight: C·KH·KW floats, small beside the activations
            wf = new float[c * kk];
            for (int ch = 0; ch < c; ch++) {
                for (int t = 0; t < kk; t++) {
                    wf[ch * kk + t] = weight.get(ch, t);
                }
            }
            wOff = 0;
        }
        if (!KernelInfo.vectorAvailable()) {
            ScalarDepthwiseConv.INSTANCE.conv2d(out, outOff, x, xOff, wf, wOff, bias, bOff, s.n(), c, s.h(), s.w(),
                    s.kh(), s.kw(), s.sh(), s.sw(), s.ph(), s.pw(), s.dh(), s.dw());
            return;
        }
        if (DepthwiseNchw.applies(s)) { // stride 1: straight in NCHW, no transposes
            VectorDw.nchw(out, outOff, x, xOff, wf, wOff, bias, bOff, s);
            return;
        }
        DepthwiseConv dw = VectorDw.preferred();
        int n = s.n(), hw = s.h() * s.w(), oh = s.oh(), ohw = oh * s.ow();
        float[] xs = scratch(1, (long) n * hw * c), ws = scratch(2, (long) kk * c), ys = scratch(3, (long) n * ohw * c);
        Layouts.depthwiseWeightToHwc(ws, 0, wf, wOff, c, s.kh(), s.kw());
        WorkerPool pool = WorkerPool.shared();
        int threads = pool.threads();
        int strips = (hw + TRANSPOSE_STRIP - 1) / TRANSPOSE_STRIP;
        // [C, HW] → [HW, C] per image, pixel strips in parallel (each strip writes its own output rows)
        pool.run(n * strips, threads, t -> {
            int b = t / strips, p0 = (t % strips) * TRANSPOSE_STRIP;
            transposeBlock(xs, b * hw * c, x, xOff + b * c * hw, c, hw, 0, c, p0, Math.min(hw, p0 + TRANSPOSE_STRIP));
        });
        int rowTasks = Math.min(oh, 4 * threads);
        pool.run(rowTasks, threads, t -> dw.conv2dNhwc(ys, 0, xs, 0, ws, 0, bias, bOff, n, c, s.h(), s.w(), s.kh(), s.kw(),
                s.sh(), s.sw(), s.ph(), s.pw(), s.dh(), s.dw(), oh * t / rowTasks, oh * (t + 1) / rowTasks));
        int outStrips = (ohw + TRANSPOSE_STRIP - 1) / TRANSPOSE_STRIP;
        // [OHW, C] → [C, OHW] per image, again by pixel strips (source rows)
        pool.run(n * outStrips, threads, t -> {
            int b = t / outStrips, p0 = (t % outStrips) * TRANSPOSE_STRIP;
            transposeBlock(out, outOff + b * c * ohw, ys, b * ohw * c, ohw, c, p0, Math.min(ohw, p0 + TRANSPOSE_STRIP), 0, c);
        });
    }

    /** Pixels per parallel transpose task. */
    private static final int TRANSPOSE_STRIP = 2048;
    private static final int TILE = 32;

    /** dst [cols, rows] ← src [rows, cols] for rows [r0, r1) × cols [c0, c1), in 32×32 tiles. */
    static void transposeBlock(float[] dst, int dOff, float[] src, int sOff, int rows, int cols, int r0, int r1,
                               int c0, int c1) {
        for (int rt = r0; rt < r1; rt += TILE) {
            int re = Math.min(rt + TILE, r1);
            for (int ct = c0; ct < c1; ct += TILE) {
                int ce = Math.min(ct + TILE, c1);
                for (int r = rt; r < re; r++) {
                    int si = sOff + r * cols;
                    for (int col = ct; col < ce; col++) {
                        dst[dOff + col * rows + r] = src[si + col];
                    }
                }
            }
        }
    }

    private static float[] scratch(int i, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("conv2d: im2col buffer of " + size + " floats is too large");
        }
        float[][] sc = SCRATCH.get();
        if (sc[i].length < size) {
            sc[i] = new float[(int) size];
        }
        return sc[i];
    }

    /** Keeps Vector API classes out of this class's linkage so it loads without the incubator module. */
    private static final class VectorDw {
        static DepthwiseConv preferred() {
            return VectorDepthwiseConv.preferred();
        }

        static void nchw(float[] out, int outOff, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff,
                         ConvShape s) {
            DepthwiseNchw.conv2d(out, outOff, x, xOff, w, wOff, bias, bOff, s);
        }
    }
}
