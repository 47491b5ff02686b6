package dev.ocelli.kernels.act;

import dev.ocelli.kernels.parallel.Chunks;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.util.function.IntConsumer;

/**
 * {@link Activations} on the engine's {@link WorkerPool}: a large call is cut into contiguous
 * chunks (boundaries on multiples of 64 floats, see {@link Chunks}) and each chunk runs through the
 * wrapped single-threaded kernel. An activation is element-wise, so the result is bitwise the same
 * on any number of threads; calls under 32K elements stay on the caller's thread.
 *
 * <p>No allocation per call: the task handed to the pool is a per-thread object refilled with the
 * call's arguments (a lambda capturing them would be a new object every call, since the pool
 * keeps it beyond the call's scope and escape analysis cannot remove it), and is emptied after
 * the call so it does not keep the arrays alive.
 */
public final class ParallelActivations implements Activations {

    /** Chunk boundaries fall on multiples of this many floats (a 256-byte block: 4 cache lines). */
    static final int ALIGN = 64;

    private final Activations kernel;
    private final ThreadLocal<Task> task = ThreadLocal.withInitial(Task::new);

    private ParallelActivations(Activations kernel) {
        this.kernel = kernel;
    }

    /** The parallel form of a single-threaded kernel (scalar or vector). */
    public static ParallelActivations of(Activations kernel) {
        return new ParallelActivations(kernel);
    }

    /** The wrapped single-threaded kernel. */
    public Activations kernel() {
        return kernel;
    }

    @Override
    public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
        WorkerPool pool = WorkerPool.shared();
        int threads = pool.threads();
        int tasks = Chunks.tasks(n, 1, threads, ALIGN);
        if (tasks <= 1) {
            kernel.apply(f, out, outOff, in, inOff, n);
            return;
        }
        Activations.checkRange("activation input", in, inOff, n);
        Activations.checkRange("activation output", out, outOff, n);
        Task t = task.get();
        t.set(f, out, outOff, in, inOff, n, tasks);
        try {
            pool.run(tasks, threads, t);
        } finally {
            t.clear();
        }
    }

    @Override
    public String name() {
        return kernel.name() + "-mt";
    }

    /** One call's arguments; task k handles elements [start(k), start(k+1)). */
    private final class Task implements IntConsumer {
        Activation f;
        float[] out, in;
        int outOff, inOff, n, tasks;

        void set(Activation f, float[] out, int outOff, float[] in, int inOff, int n, int tasks) {
            this.f = f;
            this.out = out;
            this.outOff = outOff;
            this.in = in;
            this.inOff = inOff;
            this.n = n;
            this.tasks = tasks;
        }

        void clear() {
            f = null;
            out = null;
            in = null;
        }

        @Override
        public void accept(int k) {
            int s = Chunks.start(k, tasks, n, ALIGN), e = Chunks.start(k + 1, tasks, n, ALIGN);
            if (e > s) {
                kernel.apply(f, out, outOff + s, in, inOff + s, e - s);
            }
        }
    }
}
