package dev.ocelli.kernels.parallel;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerPoolTest {

    @Test
    void runsEveryTaskOnceWithTheCallerTakingPart() {
        AtomicInteger[] hits = new AtomicInteger[1000];
        for (int i = 0; i < hits.length; i++) {
            hits[i] = new AtomicInteger();
        }
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Thread caller = Thread.currentThread();
        for (int rep = 0; rep < 20; rep++) {
            WorkerPool.shared().run(hits.length, 2, t -> {
                hits[t].incrementAndGet();
                seen.add(Thread.currentThread());
                // on a loaded machine either thread may otherwise claim all 1000 tiny tasks before
                // the other is scheduled; a worker waits (bounded) until the caller has joined in
                long until = System.nanoTime() + 2_000_000_000L;
                while (Thread.currentThread() != caller && !seen.contains(caller) && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
        }
        for (AtomicInteger h : hits) {
            assertThat(h.get()).isEqualTo(20);
        }
        assertThat(seen).contains(Thread.currentThread());
        assertThat(seen).allSatisfy(t -> assertThat(t == Thread.currentThread() || t.isDaemon()).isTrue());
        assertThat(seen).noneMatch(t -> t.getName().startsWith("ForkJoinPool"));
    }

    @Test
    void nestedCallsRunInline() {
        AtomicInteger n = new AtomicInteger();
        WorkerPool.shared().run(4, 2, t -> WorkerPool.shared().run(3, 2, u -> n.incrementAndGet()));
        assertThat(n.get()).isEqualTo(12);
    }

    @Test
    void taskExceptionsReachTheCaller() {
        assertThatThrownBy(() -> WorkerPool.shared().run(8, 2, t -> {
            if (t == 5) {
                throw new IllegalStateException("task 5 failed");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("task 5 failed");
        // and the pool still works afterwards
        AtomicInteger n = new AtomicInteger();
        WorkerPool.shared().run(8, 2, t -> n.incrementAndGet());
        assertThat(n.get()).isEqualTo(8);
    }

    /**
     * Each caller thread reuses one job object: a worker that picks it up late must neither run a
     * task of the next call twice nor miss one. Three callers, thousands of short calls each, on
     * more threads than cores, every task counted.
     */
    @Test
    void backToBackCallsFromSeveralCallersRunEveryTaskExactlyOnce() throws Exception {
        int callers = 3, calls = 3000;
        Thread[] ts = new Thread[callers];
        AtomicInteger failures = new AtomicInteger();
        for (int c = 0; c < callers; c++) {
            int seed = c;
            ts[c] = new Thread(() -> {
                for (int call = 0; call < calls; call++) {
                    int tasks = 1 + (call * 7 + seed) % 9;
                    int[] hits = new int[tasks];
                    WorkerPool.shared().run(tasks, 3, t -> {
                        synchronized (hits) {
                            hits[t]++;
                        }
                    });
                    for (int h : hits) {
                        if (h != 1) {
                            failures.incrementAndGet();
                        }
                    }
                }
            });
            ts[c].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(failures.get()).isZero();
    }

    @Test
    void steadyStateCallsAllocateNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] sink = new long[4];
        java.util.function.IntConsumer body = t -> sink[t]++;
        for (int i = 0; i < 20_000; i++) { // warm up: JIT, the caller's job, the workers
            WorkerPool.shared().run(4, 2, body);
        }
        long id = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) {
            WorkerPool.shared().run(4, 2, body);
        }
        long perCall = (mx.getThreadAllocatedBytes(id) - before) / 10_000;
        assertThat(perCall).as("bytes allocated per run() by the caller").isZero();
    }

    @Test
    void rejectsZeroThreads() {
        assertThatThrownBy(() -> WorkerPool.shared().setThreads(0)).hasMessageContaining(">= 1");
    }
}
