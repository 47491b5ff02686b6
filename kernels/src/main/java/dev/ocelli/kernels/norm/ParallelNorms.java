package dev.ocelli.kernels.norm;

import dev.ocelli.kernels.parallel.Chunks;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.util.function.IntConsumer;

/**
 * {@link Norms} on the engine's {@link WorkerPool}, each task one call of the wrapped
 * single-threaded kernel on a contiguous range (see {@link Chunks} for the size threshold and
 * task count). Every row (pixel, softmax slice) is computed by exactly the same instructions as
 * on one thread, so results are bitwise independent of the thread count.
 * <ul>
 *   <li>layerNorm [R, D]: ranges of rows.</li>
 *   <li>layerNorm2d [B, C, P]: ranges of batch items when B alone gives every thread two tasks,
 *       otherwise ranges of pixels (multiples of 16, a 512-bit vector of pixels) across all B
 *       (ConvNeXt and SAM run B = 1).</li>
 *   <li>softmax [outer, dim, inner]: ranges of outer; an input with outer = 1 stays on one
 *       thread.</li>
 * </ul>
 * No allocation per call: as in {@link dev.ocelli.kernels.act.ParallelActivations}, the task is a
 * per-thread object refilled with the call's arguments and emptied afterwards.
 */
public final class ParallelNorms implements Norms {

    /** Pixel ranges of layerNorm2d start on multiples of 16 pixels (a 512-bit vector). */
    static final int PIXEL_ALIGN = 16;

    private enum Op { LAYER_NORM, LAYER_NORM_2D_BATCH, LAYER_NORM_2D_PIXELS, SOFTMAX }

    private final Norms kernel;
    private final ThreadLocal<Task> task = ThreadLocal.withInitial(Task::new);

    private ParallelNorms(Norms kernel) {
        this.kernel = kernel;
    }

    /** The parallel form of a single-threaded kernel (scalar or vector). */
    public static ParallelNorms of(Norms kernel) {
        return new ParallelNorms(kernel);
    }

    /** The wrapped single-threaded kernel. */
    public Norms kernel() {
        return kernel;
    }

    @Override
    public void layerNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                          float[] bias, int bOff, int rows, int dim, float eps) {
        WorkerPool pool = WorkerPool.shared();
        int tasks = Chunks.tasks(rows, dim, pool.threads(), 1);
        if (tasks <= 1) {
            kernel.layerNorm(out, outOff, in, inOff, weight, wOff, bias, bOff, rows, dim, eps);
            return;
        }
        Norms.checkArgs("layer_norm", out, outOff, in, inOff, weight, wOff, bias, bOff, (long) rows * dim, dim);
        Task t = task.get();
        t.set(Op.LAYER_NORM, out, outOff, in, inOff, weight, wOff, bias, bOff, rows, dim, 1, eps, tasks);
        run(pool, t);
    }

    @Override
    public void layerNorm2dPixels(float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff,
                                  float[] bias, int bOff, int batch, int channels, int pixels, int p0, int p1,
                                  float eps) {
        WorkerPool pool = WorkerPool.shared();
        int threads = pool.threads();
        long perItem = (long) channels * (p1 - p0);
        int byBatch = Chunks.tasks(batch, perItem, threads, 1);
        if (p0 == 0 && p1 == pixels && byBatch >= 2 * threads) {
            Norms.checkArgs("layer_norm2d", out, outOff, in, inOff, weight, wOff, bias, bOff,
                    (long) batch * channels * pixels, channels);
            Task t = task.get();
            t.set(Op.LAYER_NORM_2D_BATCH, out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels,
                    eps, byBatch);
            run(pool, t);
            return;
        }
        int byPixels = Chunks.tasks(p1 - p0, (long) batch * channels, threads, PIXEL_ALIGN);
        if (byPixels <= 1) {
            kernel.layerNorm2dPixels(out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels, p0, p1,
                    eps);
            return;
        }
        Task t = task.get();
        t.set(Op.LAYER_NORM_2D_PIXELS, out, outOff, in, inOff, weight, wOff, bias, bOff, batch, channels, pixels,
                eps, byPixels);
        t.p0 = p0;
        t.p1 = p1;
        run(pool, t);
    }

    @Override
    public void softmax(float[] out, int outOff, float[] in, int inOff, int outer, int dim, int inner) {
        WorkerPool pool = WorkerPool.shared();
        int tasks = Chunks.tasks(outer, (long) dim * inner, pool.threads(), 1);
        if (tasks <= 1) {
            kernel.softmax(out, outOff, in, inOff, outer, dim, inner);
            return;
        }
        long total = (long) outer * dim * inner;
        Norms.checkRange("softmax input", in, inOff, total);
        Norms.checkRange("softmax output", out, outOff, total);
        Task t = task.get();
        t.set(Op.SOFTMAX, out, outOff, in, inOff, null, 0, null, 0, outer, dim, inner, 0f, tasks);
        run(pool, t);
    }

    private static void run(WorkerPool pool, Task t) {
        try {
            pool.run(t.tasks, pool.threads(), t);
        } finally {
            t.clear();
        }
    }

    @Override
    public String name() {
        return kernel.name() + "-mt";
    }

    /**
     * One call's arguments. {@code rows, a, b} are (rows, dim, -) for layerNorm, (batch, channels,
     * pixels) for layerNorm2d and (outer, dim, inner) for softmax.
     */
    private final class Task implements IntConsumer {
        Op op;
        float[] out, in, weight, bias;
        int outOff, inOff, wOff, bOff, rows, a, b, p0, p1, tasks;
        float eps;

        void set(Op op, float[] out, int outOff, float[] in, int inOff, float[] weight, int wOff, float[] bias,
                 int bOff, int rows, int a, int b, float eps, int tasks) {
            this.op = op;
            this.out = out;
            this.outOff = outOff;
            this.in = in;
            this.inOff = inOff;
            this.weight = weight;
            this.wOff = wOff;
            this.bias = bias;
            this.bOff = bOff;
            this.rows = rows;
            this.a = a;
            this.b = b;
            this.eps = eps;
            this.tasks = tasks;
        }

        void clear() {
            out = null;
            in = null;
            weight = null;
            bias = null;
        }

        @Override
        public void accept(int k) {
            switch (op) {
                case LAYER_NORM -> {
                    int s = Chunks.start(k, tasks, rows, 1), e = Chunks.start(k + 1, tasks, rows, 1);
                    int shift = s * a;
                    kernel.layerNorm(out, outOff + shift, in, inOff + shift, weight, wOff, bias, bOff, e - s, a, eps);
                }
                case LAYER_NORM_2D_BATCH -> {
                    int s = Chunks.start(k, tasks, rows, 1), e = Chunks.start(k + 1, tasks, rows, 1);
                    int shift = s * a * b;
                    kernel.layerNorm2dPixels(out, outOff + shift, in, inOff + shift, weight, wOff, bias, bOff, e - s, a,
                            b, 0, b, eps);
                }
                case LAYER_NORM_2D_PIXELS -> {
                    int n = p1 - p0;
                    int s = p0 + Chunks.start(k, tasks, n, PIXEL_ALIGN), e = p0 + Chunks.start(k + 1, tasks, n, PIXEL_ALIGN);
                    kernel.layerNorm2dPixels(out, outOff, in, inOff, weight, wOff, bias, bOff, rows, a, b, s, e, eps);
                }
                case SOFTMAX -> {
                    int s = Chunks.start(k, tasks, rows, 1), e = Chunks.start(k + 1, tasks, rows, 1);
                    int shift = s * a * b;
                    kernel.softmax(out, outOff + shift, in, inOff + shift, e - s, a, b);
                }
            }
        }
    }
}
