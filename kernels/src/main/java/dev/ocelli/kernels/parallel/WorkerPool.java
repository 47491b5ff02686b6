package dev.ocelli.kernels.parallel;

import dev.ocelli.kernels.KernelInfo;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 *
 * <p>A call allocates nothing: each calling thread owns one {@link Job} that it refills per call
 * (the task limit and the claim counter share one {@code AtomicLong}, so a worker still holding
 * the previous call's job can never claim a task of the next one twice), and a job reaches a
 * worker through that worker's one-slot mailbox rather than a queue (a linked queue allocated a
 * node per hand-off; the old per-call job and its counters were another ~100 bytes). If every
 * mailbox is taken, by other callers' jobs, the caller simply runs more of the tasks itself.
 */
public final class WorkerPool {

    /** How long an idle worker (or a caller waiting for workers) spins before parking. */
    static final long SPIN_NANOS = 50_000;

    private static final WorkerPool SHARED = new WorkerPool(KernelInfo.threads());

    /** The engine-wide pool. */
    public static WorkerPool shared() {
        return SHARED;
    }

    private final ThreadLocal<Boolean> inTask = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final ThreadLocal<Job> callerJob = ThreadLocal.withInitial(() -> new Job(Thread.currentThread()));
    private volatile int threads;
    private volatile Worker[] workers = new Worker[0]; // grown under this, never shrunk

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

    private Worker[] ensureWorkers(int needed) {
        Worker[] w = workers;
        if (w.length >= needed) {
            return w;
        }
        synchronized (this) {
            w = workers;
            if (w.length < needed) {
                Worker[] grown = java.util.Arrays.copyOf(w, needed);
                for (int i = w.length; i < needed; i++) {
                    grown[i] = new Worker("ocelli-worker-" + (i + 1));
                    grown[i].thread.start();
                }
                workers = w = grown;
            }
            return w;
        }
    }

    /**
     * True on a thread that is running a task of this pool: a nested {@link #run} there runs its
     * tasks inline, so callers that keep reusable per-thread task objects use their serial path.
     */
    public boolean inTask() {
        return inTask.get();
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
        Worker[] ws = ensureWorkers(helpers);
        Job job = callerJob.get();
        job.reset(tasks, body);
        for (int i = 0, posted = 0; i < ws.length && posted < helpers; i++) {
            if (ws[i].offer(job)) {
                posted++;
            }
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
        job.body = null; // every task has been claimed: no thread reads it any more
        Throwable error = job.error;
        if (error != null) {
            job.error = null;
            if (error instanceof RuntimeException re) {
                throw re;
            }
            if (error instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(error);
        }
    }

    /** A daemon thread with a one-job mailbox. */
    private final class Worker {
        final Thread thread;
        final AtomicReference<Job> mailbox = new AtomicReference<>();
        volatile boolean parked;

        Worker(String name) {
            thread = new Thread(this::loop, name);
            thread.setDaemon(true);
        }

        /** Hands over {@code job} if the mailbox is empty; wakes the worker if it sleeps. */
        boolean offer(Job job) {
            if (!mailbox.compareAndSet(null, job)) {
                return false;
            }
            // the worker sets parked and then re-reads the mailbox before parking, and we wrote
            // the mailbox before reading parked: one of the two sees the other's write
            if (parked) {
                LockSupport.unpark(thread);
            }
            return true;
        }

        private void loop() {
            inTask.set(Boolean.TRUE);
            while (true) {
                // a kernel call usually follows the previous one within microseconds (layer after
                // layer): spin for SPIN_NANOS before sleeping, to skip the wake-up latency
                Job job = mailbox.get();
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (job == null && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    job = mailbox.get();
                }
                while (job == null) {
                    parked = true;
                    job = mailbox.get();
                    if (job == null) {
                        LockSupport.park(this); // daemon workers live as long as the JVM; interrupts are ignored
                        Thread.interrupted();
                        job = mailbox.get();
                    }
                    parked = false;
                }
                mailbox.set(null);
                job.work();
            }
        }
    }

    /** One caller thread's job, refilled for each of its calls. */
    private static final class Job {
        final Thread caller;
        /** (task limit << 32) | next task index: a claim and the limit it is checked against are one read. */
        final AtomicLong claims = new AtomicLong();
        final AtomicInteger done = new AtomicInteger();
        IntConsumer body; // published by the volatile write of claims in reset
        volatile Throwable error;

        Job(Thread caller) {
            this.caller = caller;
        }

        /** Called by the owner only, after every task of its previous call has finished. */
        void reset(int tasks, IntConsumer body) {
            this.body = body;
            error = null;
            done.set(0);
            claims.set((long) tasks << 32);
        }

        void work() {
            while (true) {
                // a worker that took this job from a mailbox late may land here after the call
                // it was posted for: it then either finds no task left (and leaves) or helps
                // with the owner's next call, whose body reset() published before the claims
                long c = claims.getAndIncrement();
                int t = (int) c, limit = (int) (c >>> 32);
                if (t >= limit) {
                    return;
                }
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    if (error == null) {
                        error = e;
                    }
                } finally {
                    if (done.incrementAndGet() == limit) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }
}
