package dev.ocelli.kernels.gemm;

import dev.ocelli.kernels.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;

/**
 * v5, the production GEMM: BLIS-style blocking around a register-tile Vector API microkernel.
 * Follows Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix Multiplication" (TOMS 2008)
 * and the BLIS loop structure (Van Zee &amp; van de Geijn, TOMS 2015). The walk-through from v0 to
 * this version, with measured speedups, is {@code docs/kernels/gemm.md}.
 *
 * <pre>
 * // A is (M, K), B is (K, N), C is (M, N) row-major; MR×NR = 12×32 on 512-bit vectors
 * for jc in [0, N) step NC            // B block  KC×NC  → L3 (packed once per (jc, pc))
 *   for pc in [0, K) step KC          //          never split across threads: fixed sum order
 *     pack B[pc:pc+KC, jc:jc+NC]
 *     for ic in [0, M) step MC        // A block  MC×KC  → L2
 *       pack A[ic:ic+MC, pc:pc+KC]
 *       for jr in [0, NC) step NR     // B micro-panel KC×NR → L1/L2
 *         for ir in [0, MC) step MR   // A micro-panel MR×KC streamed from L2
 *           microkernel: C[ir:ir+MR, jr:jr+NR] (+)= A·B, accumulators in registers
 *           last pc: epilogue on that tile while it is in L1
 * </pre>
 *
 * <p>Threads, on the engine-wide {@link WorkerPool}: for each (jc, pc) step the threads first
 * pack disjoint panels of one shared B block, then each computes its own share of output tiles
 * (rows, or column panels when M is small) with its own packed A. Batched calls with at least
 * as many matrices as threads give whole matrices to threads instead. K is never split, so every
 * C element is summed in the same order (KC blocks in order, FMAs in order inside each block)
 * whatever the thread count: results are bitwise identical for 1 and N threads.
 *
 * <p>Memory: packed buffers are native segments aligned to 64 bytes, one set per thread, kept in a
 * {@link ThreadLocal} and reused; a call in steady state allocates only a few small objects.
 */
public final class VectorGemm implements Gemm {

    /**
     * Default K block. Large on purpose: every KC block is one more pass of loading and storing C,
     * and on this machine those C misses cost more than streaming a 128 KB B micro-panel
     * (1024×32×4) from L2 (measured in docs/kernels/gemm.md: KC 256 → 1024 gave +15%).
     */
    public static final int DEFAULT_KC = 1024;
    /** Default M block: the packed A block MC×KC (48×1024×4 = 192 KB) stays in the 1 MB L2. */
    public static final int DEFAULT_MC = 48;
    /** Default N block: the packed B block KC×NC (1024×2048×4 = 8 MB) lives in L3 (32 MB, 2 cores). */
    public static final int DEFAULT_NC = 2048;
    /** Below this many flops (2·M·N·K per batch summed) a call runs on the caller's thread only. */
    public static final long PARALLEL_MIN_FLOPS = 4_000_000L;

    private final Microkernel mk;
    private final int threads;
    private final int mc, kc, nc;

    /** Preferred vector width, engine-wide thread count, default blocking. */
    public VectorGemm() {
        this(preferredBits(), 0);
    }

    /** The widest microkernel the preferred species supports (512, 256, else 128). */
    static int preferredBits() {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return bits >= 512 ? 512 : bits >= 256 ? 256 : 128;
    }

    /**
     * @param bits    vector width of the microkernel: 128, 256 or 512
     * @param threads threads per call, or 0 for {@link WorkerPool#threads()} of the shared pool
     */
    public VectorGemm(int bits, int threads) {
        this(bits, threads, Integer.getInteger("ocelli.gemm.mc", DEFAULT_MC),
                Integer.getInteger("ocelli.gemm.kc", DEFAULT_KC), Integer.getInteger("ocelli.gemm.nc", DEFAULT_NC));
    }

    /** Explicit blocking, for tuning runs; MC is rounded up to a multiple of MR, NC of NR. */
    public VectorGemm(int bits, int threads, int mc, int kc, int nc) {
        this.mk = Microkernel.forBits(bits);
        if (threads < 0 || mc < 1 || kc < 1 || nc < 1) {
            throw new IllegalArgumentException("bad VectorGemm config: threads=" + threads + " mc=" + mc + " kc=" + kc + " nc=" + nc);
        }
        this.threads = threads;
        this.mc = roundUp(mc, mk.mr);
        this.kc = kc;
        this.nc = roundUp(nc, mk.nr);
    }

    @Override
    public String name() {
        return "vector";
    }

    /** e.g. "512-bit 12x32 microkernel, MC=48 KC=1024 NC=2048". */
    public String describe() {
        return mk.bits + "-bit " + mk.mr + "x" + mk.nr + " microkernel, MC=" + mc + " KC=" + kc + " NC=" + nc;
    }

    public int bits() {
        return mk.bits;
    }

    private int threadCount() {
        return threads == 0 ? WorkerPool.shared().threads() : threads;
    }

    @Override
    public void gemm(float[] c, int cOff, int ldc, Operand a, Operand b, int m, int n, int k,
                     boolean accumulate, Epilogue ep) {
        Gemm.check(c, cOff, ldc, a, b, m, n, k, ep);
        run(1, c, cOff, ldc, 0, a, 0, b, 0, m, n, k, accumulate, ep);
    }

    @Override
    public void gemmBatched(int batch, float[] c, int cOff, int ldc, long cStride, Operand a, long aStride,
                            Operand b, long bStride, int m, int n, int k, boolean accumulate, Epilogue ep) {
        if (batch < 0) {
            throw new IllegalArgumentException("GEMM batch must be >= 0, got " + batch);
        }
        if (batch == 0) {
            return;
        }
        long last = batch - 1;
        Gemm.check(c, cOff, ldc, a, b, m, n, k, ep);
        Gemm.check(c, Math.toIntExact(cOff + last * cStride), ldc, a.shift(last * aStride), b.shift(last * bStride), m, n, k, Epilogue.NONE);
        ep.checkBounds(m, n, last * cStride);
        run(batch, c, cOff, ldc, cStride, a, aStride, b, bStride, m, n, k, accumulate, ep);
    }

    private void run(int batch, float[] c, int cOff, int ldc, long cStride, Operand a, long aStride,
                     Operand b, long bStride, int m, int n, int k, boolean accumulate, Epilogue ep) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // empty sum: C = epilogue(accumulate ? C : 0)
            for (int t = 0; t < batch; t++) {
                int base = Math.toIntExact(cOff + t * cStride);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int ci = base + i * ldc + j;
                        c[ci] = ep.apply(accumulate ? c[ci] : 0f, i, j, t * cStride);
                    }
                }
            }
            return;
        }
        int threads = threadCount();
        if (!shareable(a) || !shareable(b)) {
            threads = 1;   // a thread-confined segment can only be read by its owner, the caller
        }
        if (WorkerPool.shared().inTask()) {
            threads = 1;   // inside a pool task: the pool would run our phases inline anyway
        }
        double flops = 2.0 * m * n * k * batch;
        if (threads <= 1 || flops < PARALLEL_MIN_FLOPS) {
            for (int t = 0; t < batch; t++) {
                blocked(c, Math.toIntExact(cOff + t * cStride), ldc, a.shift(t * aStride), b.shift(t * bStride),
                        m, n, k, accumulate, ep, t * cStride, 1);
            }
        } else if (batch >= threads) {
            // enough independent matrices: whole batches per task, each on its own buffers
            final int tt = threads;
            WorkerPool.shared().run(batch, tt, t -> blocked(c, Math.toIntExact(cOff + t * cStride), ldc,
                    a.shift(t * aStride), b.shift(t * bStride), m, n, k, accumulate, ep, t * cStride, 1));
        } else {
            for (int t = 0; t < batch; t++) {
                blocked(c, Math.toIntExact(cOff + t * cStride), ldc, a.shift(t * aStride), b.shift(t * bStride),
                        m, n, k, accumulate, ep, t * cStride, threads);
            }
        }
    }

    private static final Thread NOT_AN_OWNER = new Thread(() -> { });

    private static boolean shareable(Operand x) {
        return x.segment() == null || x.segment().isAccessibleBy(NOT_AN_OWNER);
    }

    /**
     * The five BLIS loops for one matrix. With {@code threads > 1}, each (jc, pc) step runs two
     * pool phases: the threads pack disjoint NR-panels of the shared B block, then each computes
     * its own rows (or, when M has too few tiles, its own column panels) with its own packed A.
     * Nothing is packed twice and K is never split.
     */
    private void blocked(float[] c, int cOff, int ldc, Operand a, Operand b, int m, int n, int k,
                         boolean accumulate, Epilogue ep, long resShift, int threads) {
        final int MR = mk.mr, NR = mk.nr;
        Scratch own = Scratch.get(roundUp(mc, MR) * (long) kc, (long) kc * roundUp(nc, NR), MR * NR);
        MemorySegment bBuf = own.b;
        int tilesM = ceilDiv(m, MR);
        boolean splitRows = tilesM >= 2 * threads;
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            int panels = ceilDiv(ncb, NR);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                boolean add = accumulate || pc > 0;
                boolean last = pc + kcb == k;
                if (threads <= 1) {
                    Packing.packB(b, pc, kcb, jc, ncb, NR, bBuf);
                    compute(c, cOff, ldc, a, 0, m, jc, 0, panels, ncb, pc, kcb, add, last, ep, resShift, own, bBuf);
                    continue;
                }
                Phases ph = own.phases;
                ph.set(this, c, cOff, ldc, a, b, m, ep, resShift, jc, pc, kcb, ncb, panels, add, last, bBuf);
                ph.parts = Math.min(threads, panels);
                ph.splitRows = splitRows;
                ph.units = splitRows ? tilesM : panels;
                ph.cparts = Math.min(threads, ph.units);
                try {
                    WorkerPool.shared().run(ph.parts, ph.parts, ph.packTask);
                    WorkerPool.shared().run(ph.cparts, ph.cparts, ph.computeTask);
                } finally {
                    ph.clear();
                }
            }
        }
    }

    /**
     * The two pool phases of one (jc, pc) step of {@link #blocked}, as one object per calling
     * thread (kept in its {@link Scratch}) whose fields are set before each phase: first the
     * threads pack disjoint NR-panels of the shared B block, then each computes its own rows (or
     * column panels when M has too few tiles) with its own packed A. A capturing lambda per phase,
     * plus a segment slice per packing task, were most of what a GEMM call allocated.
     */
    private static final class Phases {
        final IntConsumer packTask = this::pack;
        final IntConsumer computeTask = this::compute;
        private VectorGemm g;
        private float[] c;
        private Operand a, b;
        private Epilogue ep;
        private MemorySegment bBuf;
        private int cOff, ldc, m, jc, pc, kcb, ncb, panels;
        private long resShift;
        private boolean add, last;
        int parts, units, cparts;
        boolean splitRows;

        void set(VectorGemm g, float[] c, int cOff, int ldc, Operand a, Operand b, int m, Epilogue ep, long resShift,
                 int jc, int pc, int kcb, int ncb, int panels, boolean add, boolean last, MemorySegment bBuf) {
            this.g = g; this.c = c; this.cOff = cOff; this.ldc = ldc; this.a = a; this.b = b; this.m = m;
            this.ep = ep; this.resShift = resShift; this.jc = jc; this.pc = pc; this.kcb = kcb; this.ncb = ncb;
            this.panels = panels; this.add = add; this.last = last; this.bBuf = bBuf;
        }

        /** Drops the references to the caller's arrays once the step is done (the object lives on in a ThreadLocal). */
        void clear() {
            g = null; c = null; a = null; b = null; ep = null; bBuf = null;
        }

        private void pack(int t) {
            int nr = g.mk.nr;
            int q0 = panels * t / parts, q1 = panels * (t + 1) / parts;
            int j0 = q0 * nr, j1 = Math.min(ncb, q1 * nr);
            Packing.packB(b, pc, kcb, jc + j0, j1 - j0, nr, bBuf, 4L * j0 * kcb);
        }

        private void compute(int t) {
            int mr = g.mk.mr;
            int u0 = units * t / cparts, u1 = units * (t + 1) / cparts;
            Scratch mine = Scratch.get(roundUp(g.mc, mr) * (long) g.kc, 0, mr * g.mk.nr);
            if (splitRows) {
                g.compute(c, cOff, ldc, a, u0 * mr, Math.min(m, u1 * mr), jc, 0, panels, ncb, pc, kcb,
                        add, last, ep, resShift, mine, bBuf);
            } else {
                g.compute(c, cOff, ldc, a, 0, m, jc, u0, u1, ncb, pc, kcb, add, last, ep, resShift, mine, bBuf);
            }
        }
    }

    /**
     * Loops ic → jr → ir for rows [m0, m1) and B panels [q0, q1) of the packed block
     * (columns jc + [q0·NR, min(ncb, q1·NR))), packing A into {@code s.a}.
     */
    private void compute(float[] c, int cOff, int ldc, Operand a, int m0, int m1, int jc, int q0, int q1, int ncb,
                         int pc, int kcb, boolean add, boolean last, Epilogue ep, long resShift,
                         Scratch s, MemorySegment bBuf) {
        final int MR = mk.mr, NR = mk.nr;
        float[] aArr = s.a;
        float[] tile = s.tile;
        boolean epilogue = !ep.isIdentity();
        int jEnd = Math.min(ncb, q1 * NR);
        for (int ic = m0; ic < m1; ic += mc) {
            int mcb = Math.min(mc, m1 - ic);
            Packing.packA(a, ic, mcb, pc, kcb, MR, aArr);
            for (int jr = q0 * NR; jr < jEnd; jr += NR) {
                int nr = Math.min(NR, ncb - jr);
                long bOff = 4L * jr * kcb;
                for (int ir = 0; ir < mcb; ir += MR) {
                    int mr = Math.min(MR, mcb - ir);
                    int aOff = ir * kcb;
                    int ci = cOff + (ic + ir) * ldc + jc + jr;
                    if (mr == MR && nr == NR) {
                        if (!add) {
                            for (int r = 0; r < MR; r++) {
                                java.util.Arrays.fill(c, ci + r * ldc, ci + r * ldc + NR, 0f);
                            }
                        }
                        mk.compute(kcb, aArr, aOff, bBuf, bOff, c, ci, ldc);
                    } else {
                        // edge tile: the valid part of C into a zero-padded scratch tile, the
                        // full kernel there, the valid part back; same arithmetic as a full tile
                        for (int r = 0; r < MR; r++) {
                            int tr = r * NR;
                            if (add && r < mr) {
                                System.arraycopy(c, ci + r * ldc, tile, tr, nr);
                                java.util.Arrays.fill(tile, tr + nr, tr + NR, 0f);
                            } else {
                                java.util.Arrays.fill(tile, tr, tr + NR, 0f);
                            }
                        }
                        mk.compute(kcb, aArr, aOff, bBuf, bOff, tile, 0, NR);
                        for (int r = 0; r < mr; r++) {
                            System.arraycopy(tile, r * NR, c, ci + r * ldc, nr);
                        }
                    }
                    if (last && epilogue) {
                        EpilogueKernels.apply(ep, c, ci, ldc, ic + ir, jc + jr, mr, nr, resShift);
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int q) {
        return ceilDiv(x, q) * q;
    }

    private static int ceilDiv(int x, int q) {
        return (x + q - 1) / q;
    }

    /**
     * Per-thread packed buffers, grown when a call needs more, never per call: B in 64-byte
     * aligned native memory (the microkernel's vector loads), A in a heap array (its scalar
     * broadcasts; see {@link Microkernel#compute}) written by the packing code directly.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();

        final float[] a;
        final MemorySegment b;
        final float[] tile;
        final Phases phases = new Phases();

        private Scratch(long aFloats, long bFloats, int tileFloats) {
            Arena arena = Arena.ofAuto();   // freed by the GC with the thread's Scratch
            a = new float[Math.toIntExact(aFloats + Packing.A_SLACK)];
            b = arena.allocate(4 * bFloats, 64);
            tile = new float[tileFloats];
        }

        static Scratch get(long aFloats, long bFloats, int tileFloats) {
            Scratch s = LOCAL.get();
            if (s == null || s.a.length < aFloats + Packing.A_SLACK || s.b.byteSize() < 4 * bFloats || s.tile.length < tileFloats) {
                long ga = s == null ? aFloats : Math.max(aFloats, s.a.length - Packing.A_SLACK);
                long gb = s == null ? bFloats : Math.max(bFloats, s.b.byteSize() / 4);
                int gt = s == null ? tileFloats : Math.max(tileFloats, s.tile.length);
                s = new Scratch(ga, gb, gt);
                LOCAL.set(s);
            }
            return s;
        }
    }
}
