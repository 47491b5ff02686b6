package dev.ocelli.kernels.gemm;

import dev.ocelli.kernels.parallel.WorkerPool;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * v5, the production GEMM: BLIS-style blocking around a register-tile Vector API microkernel.
 * Follows Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix Multiplication" (TOMS 2008)
 * and the BLIS loop structure (Van Zee &amp; van de Geijn, TOMS 2015). The walk-through from v0 to
 * this version, with measured speedups, is {@code docs/kernels/gemm.md}.
 *
 * <pre>
 * for jc in [0, N) step NC            // B block  KC×NC  → L2/L3 (packed once per (jc, pc))
 *   for pc in [0, K) step KC          //          never split across threads: fixed sum order
 *     pack B[pc:pc+KC, jc:jc+NC]
 *     for ic in [0, M) step MC        // A block  MC×KC  → L2
 *       pack A[ic:ic+MC, pc:pc+KC]
 *       for jr in [0, NC) step NR     // B micro-panel KC×NR → L1
 *         for ir in [0, MC) step MR   // A micro-panel MR×KC streamed from L2
 *           microkernel: C[ir:ir+MR, jr:jr+NR] (+)= A·B, accumulators in registers
 *           last pc: epilogue on that tile while it is in L1
 * </pre>
 *
 * <p>Threads: the output is cut into rectangles of whole MR×NR tiles, one task each, run on the
 * engine-wide {@link WorkerPool}; each task runs the loops above on its rectangle with its own
 * packed buffers. K is never split, so every C element is summed in the same order (KC blocks in
 * order, FMAs in order inside each block) whatever the thread count: results are bitwise
 * identical for 1 and N threads.
 *
 * <p>Memory: packed buffers are native segments aligned to 64 bytes, one set per thread, kept in a
 * {@link ThreadLocal} and reused; a call in steady state allocates only a few small objects.
 */
public final class VectorGemm implements Gemm {

    /** Default K block: A micro-panel (12×256×4 = 12 KB) and B micro-panel (256×32×4 = 32 KB) share L1/L2. */
    public static final int DEFAULT_KC = 256;
    /** Default M block: the packed A block MC×KC (≈ 96×256×4 = 96 KB… see docs) stays in L2. */
    public static final int DEFAULT_MC = 96;
    /** Default N block: the packed B block KC×NC (256×2048×4 = 2 MB) in L2+L3. */
    public static final int DEFAULT_NC = 2048;
    /** Below this many flops (2·M·N·K per batch summed) a call runs on the caller's thread only. */
    public static final long PARALLEL_MIN_FLOPS = 4_000_000L;

    private final Microkernel mk;
    private final int threads;
    private final int mc, kc, nc;

    /** Preferred vector width, engine-wide thread count, default blocking. */
    public VectorGemm() {
        this(FloatVector.SPECIES_PREFERRED.vectorBitSize(), 0);
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

    /** e.g. "512-bit 12x32 microkernel, MC=96 KC=256 NC=2048". */
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
        double flops = 2.0 * m * n * k * batch;
        if (threads <= 1 || flops < PARALLEL_MIN_FLOPS) {
            for (int t = 0; t < batch; t++) {
                block(c, Math.toIntExact(cOff + t * cStride), ldc, a.shift(t * aStride), b.shift(t * bStride),
                        0, m, 0, n, k, accumulate, ep, t * cStride);
            }
            return;
        }
        // split each matrix into `parts` rectangles of whole tiles, along N when it has enough
        // tiles (then only A is packed twice), else along M
        int parts = batch >= threads ? 1 : ceilDiv(threads, batch);
        int tilesM = ceilDiv(m, mk.mr), tilesN = ceilDiv(n, mk.nr);
        boolean alongN = tilesN >= parts && (tilesN >= tilesM || tilesM < parts);
        int partTiles = alongN ? tilesN : tilesM;
        int p = Math.max(1, Math.min(parts, partTiles));
        WorkerPool.shared().run(batch * p, threads, task -> {
            int t = task / p, part = task % p;
            int lo = (int) ((long) partTiles * part / p), hi = (int) ((long) partTiles * (part + 1) / p);
            int m0 = 0, m1 = m, n0 = 0, n1 = n;
            if (alongN) {
                n0 = lo * mk.nr;
                n1 = Math.min(n, hi * mk.nr);
            } else {
                m0 = lo * mk.mr;
                m1 = Math.min(m, hi * mk.mr);
            }
            if (m0 < m1 && n0 < n1) {
                block(c, Math.toIntExact(cOff + t * cStride), ldc, a.shift(t * aStride), b.shift(t * bStride),
                        m0, m1, n0, n1, k, accumulate, ep, t * cStride);
            }
        });
    }

    private static final Thread NOT_AN_OWNER = new Thread(() -> { });

    private static boolean shareable(Operand x) {
        return x.segment() == null || x.segment().isAccessibleBy(NOT_AN_OWNER);
    }

    /** The five BLIS loops over output rows [m0, m1) × cols [n0, n1), on the calling thread. */
    private void block(float[] c, int cOff, int ldc, Operand a, Operand b, int m0, int m1, int n0, int n1, int k,
                       boolean accumulate, Epilogue ep, long resShift) {
        final int MR = mk.mr, NR = mk.nr;
        Scratch s = Scratch.get(roundUp(mc, MR) * (long) kc, (long) kc * roundUp(nc, NR), MR * NR);
        MemorySegment aBuf = s.a, bBuf = s.b;
        float[] tile = s.tile;
        boolean epilogue = !ep.isIdentity();
        for (int jc = n0; jc < n1; jc += nc) {
            int ncb = Math.min(nc, n1 - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                boolean add = accumulate || pc > 0;
                boolean last = pc + kcb == k;
                Packing.packB(b, pc, kcb, jc, ncb, NR, bBuf);
                for (int ic = m0; ic < m1; ic += mc) {
                    int mcb = Math.min(mc, m1 - ic);
                    Packing.packA(a, ic, mcb, pc, kcb, MR, aBuf);
                    for (int jr = 0; jr < ncb; jr += NR) {
                        int nr = Math.min(NR, ncb - jr);
                        long bOff = 4L * jr * kcb;
                        for (int ir = 0; ir < mcb; ir += MR) {
                            int mr = Math.min(MR, mcb - ir);
                            long aOff = 4L * ir * kcb;
                            int ci = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                mk.compute(kcb, aBuf, aOff, bBuf, bOff, c, ci, ldc, add);
                            } else {
                                // edge tile: full tile into scratch (padding is zeros), then the valid part
                                mk.compute(kcb, aBuf, aOff, bBuf, bOff, tile, 0, NR, false);
                                for (int r = 0; r < mr; r++) {
                                    int cr = ci + r * ldc, tr = r * NR;
                                    if (add) {
                                        for (int j = 0; j < nr; j++) {
                                            c[cr + j] += tile[tr + j];
                                        }
                                    } else {
                                        System.arraycopy(tile, tr, c, cr, nr);
                                    }
                                }
                            }
                            if (last && epilogue) {
                                EpilogueKernels.apply(ep, c, ci, ldc, ic + ir, jc + jr, mr, nr, resShift);
                            }
                        }
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

    /** Per-thread packed buffers (64-byte aligned native memory), grown when a call needs more, never per call. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();

        final MemorySegment a, b;
        final float[] tile;

        private Scratch(long aFloats, long bFloats, int tileFloats) {
            Arena arena = Arena.ofAuto();   // freed by the GC with the thread's Scratch
            a = arena.allocate(4 * aFloats, 64);
            b = arena.allocate(4 * bFloats, 64);
            tile = new float[tileFloats];
        }

        static Scratch get(long aFloats, long bFloats, int tileFloats) {
            Scratch s = LOCAL.get();
            if (s == null || s.a.byteSize() < 4 * aFloats || s.b.byteSize() < 4 * bFloats || s.tile.length < tileFloats) {
                long ga = s == null ? aFloats : Math.max(aFloats, s.a.byteSize() / 4);
                long gb = s == null ? bFloats : Math.max(bFloats, s.b.byteSize() / 4);
                int gt = s == null ? tileFloats : Math.max(tileFloats, s.tile.length);
                s = new Scratch(ga, gb, gt);
                LOCAL.set(s);
            }
            return s;
        }
    }
}
