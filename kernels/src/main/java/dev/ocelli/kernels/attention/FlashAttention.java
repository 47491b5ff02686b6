package dev.ocelli.kernels.attention;

import dev.ocelli.kernels.KernelInfo;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;

/**
 * Fused multi-head attention with flash-style tiling and an online softmax (Dao et al.,
 * "FlashAttention", arXiv 2205.14135, and FlashAttention-2, arXiv 2307.08691), on the CPU with
 * the Vector API. Same result as {@link ScalarAttention} up to float rounding; no Nq×Nk matrix
 * exists beyond one Br×Bc tile.
 *
 * <p>Per work item = (batch b, head h, block of Br query rows), with Bc = {@value #KEY_TILE}:
 * <pre>
 *   qT = (scale·log2 e)·Q[block]ᵀ                         [d][Br]   packed once per block
 *   m = -inf, l = 0, oT = 0
 *   for each key tile K[j0 : j0+Bc], V[j0 : j0+Bc]:
 *     sT = K·qT (+ log2 e·bias tile)                      [Bc][Br]  (FlashTiles.scores)
 *     m' = max(m, max_j sT); alpha = 2^(m − m'); P = 2^(sT − m'); l = alpha·l + Σ_j P; m = m'
 *     oT = alpha·oT + Vᵀ·P                                [d][Br]   (FlashTiles.accumulate)
 *   out[block] = (oT / l)ᵀ
 * </pre>
 * Working in base 2 (log2 e folded into the packed q and the bias) saves a multiply per score.
 * Queries are the vector lanes (Br = 2 vectors), so the softmax needs no horizontal reductions and
 * k, v are read straight from their strided rows; see {@link FlashTiles} for the register blocks.
 *
 * <p>Row path: when a block would be at most a quarter full (Nq·4 ≤ Br, e.g. Mini-Gemini's
 * per-token cross-attention with Nq = 1, or the last block of 577 = 18·32 + 1 rows), those rows
 * run one at a time with the same online softmax, keys in the lanes for q·k and the head dim in
 * the lanes for P·V ({@link FlashTiles#rowScores}), instead of filling 32 lanes with padding.
 *
 * <p>Differences from PyTorch: scores underflowing 2^-126.5 relative to the row max count as 0
 * (PyTorch keeps the denormal; the effect is below 1e-38 of the row's sum). A fully masked row
 * (all -inf) gives NaN like PyTorch's math path.
 *
 * <p>Threads: the B·H·⌈Nq/Br⌉ work items run on the engine-wide {@link WorkerPool} with at most
 * {@link #threads()} threads. Each output row is computed by one thread in a fixed order, so
 * results are bitwise identical for any thread count, and whether or not C2 has compiled the
 * kernels yet (no {@code reduceLanes(ADD)}, whose lane order is unspecified, anywhere). Scratch
 * tiles live in a per-thread {@code ThreadLocal}, grown to the largest call and then reused, so
 * steady-state calls allocate only one small job object (plus the pool's own). Instances are
 * immutable and thread-safe.
 */
public final class FlashAttention implements Attention {

    /**
     * Bc, keys per tile. Larger tiles amortise the per-tile rescale of oT and the softmax bookkeeping;
     * measured on Zen 5 (16×577×64, one thread): Bc = 32: 75, 64: 79, 128: 81-83, 192: 83,
     * 256: 84 GFLOP/s of thread CPU time. 128 keeps sT [128][32] at 16 KB.
     */
    public static final int KEY_TILE = 128;

    private static final float LOG2E = (float) (1.0 / Math.log(2.0));

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final FlashTiles tiles;
    private final int threads;
    // One job object per calling thread, its fields set for each call and cleared after: a new
    // job per call was the only thing a forward call allocated. A nested call on the same thread
    // cannot happen (a job's items never call forward).
    private final ThreadLocal<Job> jobs = ThreadLocal.withInitial(Job::new);
    private final ThreadLocal<RowJob> rowJobs = ThreadLocal.withInitial(RowJob::new);

    private FlashAttention(int bits, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("FlashAttention thread count must be >= 1, got " + threads);
        }
        this.tiles = FlashTiles.forBits(bits);
        this.threads = threads;
    }

    /** The preferred width, on the engine pool's default thread count ({@code -Docelli.threads}). */
    public static FlashAttention create() {
        return create(WorkerPool.shared().threads());
    }

    /**
     * The widest of 128/256/512 bits the CPU has (FloatVector.SPECIES_PREFERRED), at most
     * {@code threads} threads of the engine pool (the caller included).
     */
    public static FlashAttention create(int threads) {
        String why = KernelInfo.vectorUnavailableReason();
        if (why != null) {
            throw new IllegalStateException("FlashAttention needs the Vector API: " + why);
        }
        int bits = Math.max(128, Math.min(512, FloatVector.SPECIES_PREFERRED.vectorBitSize()));
        return new FlashAttention(bits, threads);
    }

    /** A given vector width (128, 256 or 512): tests run all three on one machine. */
    public static FlashAttention withVectorBits(int bits, int threads) {
        return new FlashAttention(bits, threads);
    }

    public int vectorBits() {
        return tiles.bits();
    }

    public int threads() {
        return threads;
    }

    @Override
    public String toString() {
        return "FlashAttention[" + tiles.bits() + "-bit, Br=" + tiles.blockRows() + ", Bc=" + KEY_TILE
                + ", threads=" + threads + "]";
    }

    @Override
    public void forward(HeadView out, HeadView q, HeadView k, HeadView v, AttentionBias bias, float scale, AttentionDims s) {
        Attention.check(out, q, k, v, bias, s);
        int br = tiles.blockRows();
        int bh = s.batch() * s.heads();
        if (s.nq() * 4 <= br) {
            // a block would be at most a quarter full: one row per item instead
            RowJob job = rowJobs.get().set(out, q, k, v, bias, scale, s);
            try {
                WorkerPool.shared().run(bh * s.nq(), threads, job);
            } finally {
                job.set(null, null, null, null, null, 0f, null);
            }
        } else {
            int qBlocks = (s.nq() + br - 1) / br;
            Job job = jobs.get().set(out, q, k, v, bias, scale, s, qBlocks);
            try {
                WorkerPool.shared().run(bh * qBlocks, threads, job);
            } finally {
                job.set(null, null, null, null, null, 0f, null, 0);
            }
        }
    }

    /** Per-worker tiles, grown on demand and then reused. */
    private static final class Scratch {
        float[] qT = new float[0], oT = new float[0], sT = new float[0];
        float[] m = new float[0], l = new float[0], alpha = new float[0];
        float[] relHT = new float[0], relWT = new float[0];
        float[] qRow = new float[0], oRow = new float[0], sRow = new float[0], red = new float[0];

        void ensure(int br, int d, int kh, int kw) {
            if (qT.length < d * br) {
                qT = new float[d * br];
                oT = new float[d * br];
            }
            if (sT.length < KEY_TILE * br) {
                sT = new float[KEY_TILE * br];
                m = new float[br];
                l = new float[br];
                alpha = new float[br];
            }
            if (relHT.length < kh * br) {
                relHT = new float[kh * br];
            }
            if (relWT.length < kw * br) {
                relWT = new float[kw * br];
            }
        }

        void ensureRow(int d, int lanes) {
            if (qRow.length < d) {
                qRow = new float[d];
                oRow = new float[d];
            }
            int n = (KEY_TILE + lanes - 1) / lanes * lanes;
            if (sRow.length < n) {
                sRow = new float[n];
            }
            if (red.length < 4 * lanes) {
                red = new float[4 * lanes];
            }
        }
    }

    /** One forward call; item = (b·H + h)·qBlocks + query block. */
    private final class Job implements IntConsumer {
        HeadView out, q, k, v;
        AttentionBias bias;
        float qScale;
        AttentionDims s;
        int qBlocks;

        Job set(HeadView out, HeadView q, HeadView k, HeadView v, AttentionBias bias, float scale, AttentionDims s, int qBlocks) {
            this.out = out;
            this.q = q;
            this.k = k;
            this.v = v;
            this.bias = bias;
            this.qScale = scale * LOG2E;
            this.s = s;
            this.qBlocks = qBlocks;
            return this;
        }

        @Override
        public void accept(int item) {
            int br = tiles.blockRows();
            AttentionBias.Dense dense = bias instanceof AttentionBias.Dense dn ? dn : null;
            AttentionBias.DecomposedRelPos rel = bias instanceof AttentionBias.DecomposedRelPos rp ? rp : null;
            Scratch sc = SCRATCH.get();
            sc.ensure(br, s.headDim(), rel == null ? 0 : rel.kh(), rel == null ? 0 : rel.kw());
            int bh = item / qBlocks;
            int b = bh / s.heads(), h = bh % s.heads();
            int r0 = (item % qBlocks) * br;
            int rows = Math.min(br, s.nq() - r0);
            if (rows * 4 <= br) {
                // a short last block (577 = 18·32 + 1): its few rows go down the row path
                for (int r = 0; r < rows; r++) {
                    row(out, q, k, v, bias, qScale, s, b, h, r0 + r);
                }
                return;
            }
            int d = s.headDim(), nk = s.nk();
            float[] qT = sc.qT, oT = sc.oT, sT = sc.sT;

            // qT [d][Br] = (scale·log2 e)·q[r0 + r, c]; rows past Nq are 0 and their results dropped
            float[] qd = q.data();
            for (int r = 0; r < br; r++) {
                int qi = r < rows ? q.base(b, h, r0 + r) : -1;
                for (int c = 0; c < d; c++) {
                    qT[c * br + r] = qi < 0 ? 0f : qScale * qd[qi + c];
                }
            }
            java.util.Arrays.fill(oT, 0, d * br, 0f);
            java.util.Arrays.fill(sc.m, 0, br, Float.NEGATIVE_INFINITY);
            java.util.Arrays.fill(sc.l, 0, br, 0f);

            if (rel != null) {
                packRelPos(sc, rel, b, h, r0, rows, br);
            }

            int kBase = k.base(b, h, 0), vBase = v.base(b, h, 0);
            for (int j0 = 0; j0 < nk; j0 += KEY_TILE) {
                int bc = Math.min(KEY_TILE, nk - j0);
                tiles.scores(sT, qT, k.data(), kBase + j0 * k.rowStride(), k.rowStride(), bc, d);
                if (dense != null) {
                    addDense(sT, dense.view(), b, h, r0, rows, j0, bc, br);
                } else if (rel != null) {
                    addRelPos(sT, sc, rel.kw(), j0, bc, br);
                }
                tiles.softmax(sT, bc, sc.m, sc.l, sc.alpha);
                tiles.accumulate(oT, sT, v.data(), vBase + j0 * v.rowStride(), v.rowStride(), bc, d, sc.alpha);
            }

            // out = oT / l; l = 0 only for a fully masked row, where 0·inf gives PyTorch's NaN
            float[] od = out.data();
            for (int r = 0; r < rows; r++) {
                float inv = 1f / sc.l[r];
                int oi = out.base(b, h, r0 + r);
                for (int c = 0; c < d; c++) {
                    od[oi + c] = oT[c * br + r] * inv;
                }
            }
        }
    }

    /**
     * One forward call on the row path; item = (b·H + h)·Nq + i. The same online softmax as
     * {@link Job}, for a single query row: scores with keys in the lanes, output with the head dim
     * in the lanes (see {@link FlashTiles#rowScores}).
     */
    private final class RowJob implements IntConsumer {
        HeadView out, q, k, v;
        AttentionBias bias;
        float qScale;
        AttentionDims s;

        RowJob set(HeadView out, HeadView q, HeadView k, HeadView v, AttentionBias bias, float scale, AttentionDims s) {
            this.out = out;
            this.q = q;
            this.k = k;
            this.v = v;
            this.bias = bias;
            this.qScale = scale * LOG2E;
            this.s = s;
            return this;
        }

        @Override
        public void accept(int item) {
            int bh = item / s.nq();
            row(out, q, k, v, bias, qScale, s, bh / s.heads(), bh % s.heads(), item % s.nq());
        }
    }

    /** Query row i of (b, h) on the row path. */
    private void row(HeadView out, HeadView q, HeadView k, HeadView v, AttentionBias bias, float qScale, AttentionDims s,
                     int b, int h, int i) {
        int lanes = tiles.lanes();
        Scratch sc = SCRATCH.get();
        sc.ensureRow(s.headDim(), lanes);
        int nk = s.nk(), d = s.headDim();
        float[] qRow = sc.qRow, oRow = sc.oRow, sRow = sc.sRow;
        int qi = q.base(b, h, i);
        for (int c = 0; c < d; c++) {
            qRow[c] = qScale * q.data()[qi + c];
            oRow[c] = 0f;
        }
        float m = Float.NEGATIVE_INFINITY, l = 0f;
        int kBase = k.base(b, h, 0), vBase = v.base(b, h, 0);
        for (int j0 = 0; j0 < nk; j0 += KEY_TILE) {
            int bc = Math.min(KEY_TILE, nk - j0);
            tiles.rowScores(sRow, qRow, k.data(), kBase + j0 * k.rowStride(), k.rowStride(), bc, d, sc.red);
            switch (bias) {
                case null -> { }
                case AttentionBias.Dense dn -> {
                    float[] bd = dn.view().data();
                    int bi = dn.view().base(b, h, i) + j0;
                    for (int j = 0; j < bc; j++) {
                        sRow[j] += LOG2E * bd[bi + j];
                    }
                }
                case AttentionBias.DecomposedRelPos rel -> {
                    float[] rh = rel.relH().data(), rw = rel.relW().data();
                    int hi = rel.relH().base(b, h, i), wi = rel.relW().base(b, h, i), kw = rel.kw();
                    for (int j = 0; j < bc; j++) {
                        int key = j0 + j;
                        sRow[j] += LOG2E * rh[hi + key / kw] + LOG2E * rw[wi + key % kw];
                    }
                }
            }
            // pad to whole vectors with -inf: no effect on the max, 2^-inf = 0 adds nothing
            int n = (bc + lanes - 1) / lanes * lanes;
            java.util.Arrays.fill(sRow, bc, n, Float.NEGATIVE_INFINITY);
            float tileMax = tiles.rowMax(sRow, n);
            float mNew = tileMax > m ? tileMax : m;
            float mUse = mNew == Float.NEGATIVE_INFINITY ? 0f : mNew;   // see FlashTiles.softmax
            float alpha = (float) StrictMath.pow(2.0, (double) m - mUse);   // StrictMath: same bits interpreted or compiled
            l = l * alpha + tiles.rowExp2(sRow, n, mUse, sc.red);
            m = mNew;
            tiles.rowAccumulate(oRow, alpha, sRow, v.data(), vBase + j0 * v.rowStride(), v.rowStride(), bc, d);
        }
        float inv = 1f / l;   // l = 0: fully masked row, NaN as in PyTorch
        int oi = out.base(b, h, i);
        for (int c = 0; c < d; c++) {
            out.data()[oi + c] = oRow[c] * inv;
        }
    }

    // sT[j][r] += log2 e·bias[r0 + r, j0 + j]; a scalar transpose of the bias tile, about one
    // load-add-store per score beside the 2·d FMAs per score of the two products.
    private static void addDense(float[] sT, HeadView bias, int b, int h, int r0, int rows, int j0, int bc, int br) {
        float[] bd = bias.data();
        for (int r = 0; r < rows; r++) {
            int bi = bias.base(b, h, r0 + r) + j0;
            for (int j = 0; j < bc; j++) {
                sT[j * br + r] += LOG2E * bd[bi + j];
            }
        }
    }

    // relHT [kh][Br], relWT [kw][Br]: the block's rel_h/rel_w rows transposed and scaled by log2 e,
    // so each key adds two contiguous rows (C2 vectorizes that loop).
    private static void packRelPos(Scratch sc, AttentionBias.DecomposedRelPos rel, int b, int h, int r0, int rows, int br) {
        float[] rh = rel.relH().data(), rw = rel.relW().data();
        for (int r = 0; r < br; r++) {
            int hi = r < rows ? rel.relH().base(b, h, r0 + r) : -1;
            int wi = r < rows ? rel.relW().base(b, h, r0 + r) : -1;
            for (int x = 0; x < rel.kh(); x++) {
                sc.relHT[x * br + r] = hi < 0 ? 0f : LOG2E * rh[hi + x];
            }
            for (int x = 0; x < rel.kw(); x++) {
                sc.relWT[x * br + r] = wi < 0 ? 0f : LOG2E * rw[wi + x];
            }
        }
    }

    private static void addRelPos(float[] sT, Scratch sc, int kw, int j0, int bc, int br) {
        float[] relHT = sc.relHT, relWT = sc.relWT;
        for (int j = 0; j < bc; j++) {
            int key = j0 + j;
            int hOff = (key / kw) * br, wOff = (key % kw) * br, sOff = j * br;
            for (int r = 0; r < br; r++) {
                sT[sOff + r] += relHT[hOff + r] + relWT[wOff + r];
            }
        }
    }
}
