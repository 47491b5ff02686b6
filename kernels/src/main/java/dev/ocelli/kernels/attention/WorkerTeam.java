package dev.ocelli.kernels.attention;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A minimal fixed team of threads that runs {@code task.run(item, worker)} for items 0..n-1,
 * the calling thread taking part as worker 0. Package-private stand-in until the engine-wide
 * pool (branch gemm) is merged; the lead will replace it.
 *
 * <p>Items are handed out dynamically (an atomic counter) for load balance. Results stay
 * deterministic because an item is computed entirely by one thread with the same code whatever
 * the thread, and the worker index only selects a scratch buffer. No allocation per {@link #run}:
 * the task object is reused by the caller, workers park between runs.
 *
 * <p>One {@code run} at a time (the owning kernel is not re-entrant).
 */
final class WorkerTeam {

    interface Task {
        void run(int item, int worker);
    }

    private final int size;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final Thread[] workers;
    private volatile int generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;
    private Task task;   // published by the volatile write of generation
    private int items;

    WorkerTeam(int size, String name) {
        if (size < 1) {
            throw new IllegalArgumentException(name + ": thread count must be >= 1, got " + size);
        }
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int w = 1; w < size; w++) {
            int id = w;
            Thread t = new Thread(() -> loop(id), name + "-" + w);
            t.setDaemon(true);
            workers[w - 1] = t;
            t.start();
        }
    }

    int size() {
        return size;
    }

    void run(int n, Task t) {
        if (size == 1 || n <= 1) {
            for (int i = 0; i < n; i++) {
                t.run(i, 0);
            }
            return;
        }
        task = t;
        items = n;
        next.set(0);
        pending.set(size - 1);
        failure = null;
        caller = Thread.currentThread();
        generation++;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        Throwable mine = null;
        try {
            work(0);
        } catch (Throwable e) {
            mine = e;
            next.set(Integer.MAX_VALUE);
        }
        while (pending.get() != 0) {
            LockSupport.park(this);
        }
        task = null;
        if (mine == null) {
            mine = failure;
        }
        if (mine instanceof RuntimeException re) {
            throw re;
        }
        if (mine instanceof Error er) {
            throw er;
        }
        if (mine != null) {
            throw new IllegalStateException(mine);
        }
    }

    /** Lets the worker threads end; the team must not be used afterwards. */
    void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }

    private void work(int worker) {
        Task t = task;
        int n = items;
        while (true) {
            int i = next.getAndIncrement();
            if (i < 0 || i >= n) {   // < 0: the counter was pushed past MAX_VALUE after a failure
                return;
            }
            t.run(i, worker);
        }
    }

    private void loop(int id) {
        int seen = 0;
        while (true) {
            while (generation == seen) {
                if (closed) {
                    return;
                }
                LockSupport.park(this);
            }
            seen = generation;
            try {
                work(id);
            } catch (Throwable e) {
                failure = e;
                next.set(Integer.MAX_VALUE);  // the others stop picking up items
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }
}
