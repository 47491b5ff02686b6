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
        for (int rep = 0; rep < 20; rep++) {
            WorkerPool.shared().run(hits.length, 2, t -> {
                hits[t].incrementAndGet();
                seen.add(Thread.currentThread());
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

    @Test
    void rejectsZeroThreads() {
        assertThatThrownBy(() -> WorkerPool.shared().setThreads(0)).hasMessageContaining(">= 1");
    }
}
