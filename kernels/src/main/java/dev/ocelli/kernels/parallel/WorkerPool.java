package dev.ocelli.kernels.parallel;

import dev.ocelli.kernels.KernelInfo;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The engine-wide thread pool. Every parallel kernel runs its tasks here, so Ocelli never
 * oversubscribes the machine and never touches {@code ForkJoinPool.commonPool()} or parallel
 * streams (which other code in the same JVM may be using).
 *
 * <ul>
 *   <li>The thread count is {@code -Docelli.threads} (default: available processors), or
 *       {@link #setThreads(int)}.</li>
 *   <li>Workers are daemon threads, so a pool never keeps a JVM alive.</li>
 *   <li>The calling thread takes part: {@code threads = 2} means the caller plus one worker.</li>
 *   <li>A call from inside a task runs its tasks inline (no nested parallelism, no deadlock).</li>
 * </ul>
 * Tasks are claimed dynamically from a counter; kernels keep results independent of which
 * thread runs which task (GEMM partitions only output tiles, never K).
 */
public final class WorkerPool {

    /** How long an idle worker (or a caller waiting for workers) spins before parking. */
    static final long SPIN_NANOS = 50_000;

    private static final WorkerPool SHARED = new WorkerPool(KernelInfo.threads());

    /** The engine-wide pool. */
    public static WorkerPool shared() {
        return SHARED;
    }

    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final ThreadLocal<Boolean> inTask = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private volatile int threads;
    private int started; // workers started so far (guarded by this)

    private WorkerPool(int threads) {
        setThreads(threads);
    }

    /** Threads a parallel call uses by default, the caller included. */
    public int threads() {
        return threads;
    }

    /** Sets the default thread count (≥ 1); workers are started lazily and never stopped. */
    public synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ocelli thread count must be >= 1, got " + n);
        }
        threads = n;
    }

    private synchronized void ensureWorkers(int needed) {
        while (started < needed) {
            Thread t = new Thread(this::workerLoop, "ocelli-worker-" + (++started));
            t.setDaemon(true);
            t.start();
        }
    }

    /** Runs {@code body.accept(t)} for t in [0, tasks) on the default thread count. */
    public void run(int tasks, IntConsumer body) {
        run(tasks, threads, body);
    }

    /**
     * Runs {@code body.accept(t)} for every t in [0, tasks) on at most {@code maxThreads} threads
     * (the caller is one of them) and returns when all are done. The first exception a task
     * throws is rethrown here after the other tasks finish.
     */
    public void run(int tasks, int maxThreads, IntConsumer body) {
        int helpers = Math.min(maxThreads, tasks) - 1;
        if (helpers <= 0 || inTask.get()) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        ensureWorkers(helpers);
        Job job = new Job(tasks, body, Thread.currentThread());
        for (int h = 0; h < helpers; h++) {
            queue.add(job);
        }
        inTask.set(Boolean.TRUE);
        try {
            job.work();
        } finally {
            inTask.set(Boolean.FALSE);
        }
        // wait for tasks still running on workers; spin briefly (they usually finish within
        // microseconds of us), then park until the last one unparks us
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (job.done.get() < tasks) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(job);
            }
        }
        if (job.error != null) {
            if (job.error instanceof RuntimeException re) {
                throw re;
            }
            if (job.error instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(job.error);
        }
    }

    private void workerLoop() {
        inTask.set(Boolean.TRUE);
        while (true) {
            try {
                // a kernel call usually follows the previous one within microseconds (layer after
                // layer): spin for SPIN_NANOS before sleeping, to skip the wake-up latency
                Job job = null;
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (job == null && System.nanoTime() < spinUntil) {
                    job = queue.poll();
                    if (job == null) {
                        Thread.onSpinWait();
                    }
                }
                (job != null ? job : queue.take()).work();
            } catch (InterruptedException e) {
                // daemon workers live as long as the JVM; an interrupt is not a shutdown signal
                Thread.interrupted();
            }
        }
    }

    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable error;

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
        }

        void work() {
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    if (error == null) {
                        error = e;
                    }
                } finally {
                    if (done.incrementAndGet() == tasks) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }
}
