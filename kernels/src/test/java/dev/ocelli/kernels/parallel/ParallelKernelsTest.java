package dev.ocelli.kernels.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.kernels.act.Activation;
import dev.ocelli.kernels.act.Activations;
import dev.ocelli.kernels.act.ParallelActivations;
import dev.ocelli.kernels.act.ScalarActivations;
import dev.ocelli.kernels.act.VectorActivations;
import dev.ocelli.kernels.norm.Norms;
import dev.ocelli.kernels.norm.ParallelNorms;
import dev.ocelli.kernels.norm.ScalarNorms;
import dev.ocelli.kernels.norm.VectorNorms;
import dev.ocelli.kernels.testing.Twins;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parallel activations and norms give the same bits as their single-threaded kernel (scalar
 * and every vector width), over sizes just above the threshold and awkward ones, with 3 threads
 * (more tasks than the machine's cores, offsets that are not multiples of anything).
 */
class ParallelKernelsTest {

    private int before;

    @BeforeEach
    void threads() {
        before = WorkerPool.shared().threads();
        WorkerPool.shared().setThreads(3);
    }

    @AfterEach
    void restore() {
        WorkerPool.shared().setThreads(before);
    }

    static Stream<Arguments> actKernels() {
        return Stream.of(ScalarActivations.INSTANCE, VectorActivations.S128, VectorActivations.S256,
                VectorActivations.S512).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("actKernels")
    void activationsEqualOneThread(Activations kernel) {
        Activations par = ParallelActivations.of(kernel);
        // the scalar twin is ~20x slower: one size above the threshold is enough for it
        int[] sizes = kernel instanceof ScalarActivations ? new int[] {32_769} : new int[] {32_767, 32_769, 100_003};
        for (int n : sizes) {
            float[] x = Twins.gaussian(n, n + 3, 4f);
            for (Activation f : Activation.values()) {
                float[] want = new float[n + 5], got = new float[n + 5];
                kernel.apply(f, want, 5, x, 3, n);
                par.apply(f, got, 5, x, 3, n);
                Twins.assertSameBits(par.name() + " " + f + " n=" + n, want, got);
            }
        }
    }

    @Test
    void smallCallsStayOnTheCallerAndLargeOnesSpread() {
        Set<String> seen = new HashSet<>();
        Activations spy = new Activations() {
            @Override
            public void apply(Activation f, float[] out, int outOff, float[] in, int inOff, int n) {
                synchronized (seen) {
                    seen.add(Thread.currentThread().getName());
                }
                ScalarActivations.INSTANCE.apply(f, out, outOff, in, inOff, n);
            }

            @Override
            public String name() {
                return "spy";
            }
        };
        Activations par = ParallelActivations.of(spy);
        float[] x = new float[1 << 20], y = new float[x.length];
        par.apply(Activation.SILU, y, 0, x, 0, 2 * Chunks.MIN_WORK - 1);
        assertThat(seen).containsExactly(Thread.currentThread().getName());
        // the caller may finish every task before a worker wakes, so only the task count is certain
        int tasks = Chunks.tasks(x.length, 1, 3, 64);
        assertThat(tasks).isEqualTo(12);
        for (int t = 0; t < tasks; t++) {
            assertThat(Chunks.start(t, tasks, x.length, 64) % 64).isZero();
            assertThat(Chunks.start(t + 1, tasks, x.length, 64)).isGreaterThan(Chunks.start(t, tasks, x.length, 64));
        }
        assertThat(Chunks.start(tasks, tasks, x.length, 64)).isEqualTo(x.length);
    }

    @Test
    void chunksCoverAwkwardRangesExactly() {
        for (int rows : new int[] {33, 577, 1000, 100_003}) {
            for (int align : new int[] {1, 16, 64}) {
                int tasks = Chunks.tasks(rows, 1000, 3, align);
                int prev = 0;
                for (int t = 0; t < tasks; t++) {
                    int s = Chunks.start(t, tasks, rows, align), e = Chunks.start(t + 1, tasks, rows, align);
                    assertThat(s).isEqualTo(prev);
                    assertThat(s % align == 0 || s == rows).isTrue();
                    assertThat(e).isGreaterThanOrEqualTo(s);
                    prev = e;
                }
                assertThat(prev).as("rows %d align %d", rows, align).isEqualTo(rows);
            }
        }
    }

    static Stream<Arguments> normKernels() {
        return Stream.of(ScalarNorms.INSTANCE, VectorNorms.S128, VectorNorms.S256, VectorNorms.S512)
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normKernels")
    void layerNormEqualsOneThread(Norms kernel) {
        Norms par = ParallelNorms.of(kernel);
        for (int[] rd : new int[][] {{577, 1024}, {1000, 33}, {3, 20_001}, {31, 1031}}) {
            int rows = rd[0], dim = rd[1];
            float[] x = Twins.gaussian(rows, rows * dim + 2, 2f);
            float[] w = Twins.gaussian(dim, dim + 1, 1f), b = Twins.gaussian(dim + 7, dim + 1, 1f);
            float[] want = new float[rows * dim + 1], got = new float[rows * dim + 1];
            kernel.layerNorm(want, 1, x, 2, w, 1, b, 0, rows, dim, 1e-5f);
            par.layerNorm(got, 1, x, 2, w, 1, b, 0, rows, dim, 1e-5f);
            Twins.assertSameBits(par.name() + " layerNorm " + rows + "x" + dim, want, got);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normKernels")
    void layerNorm2dEqualsOneThread(Norms kernel) {
        Norms par = ParallelNorms.of(kernel);
        // pixel split (B = 1, ConvNeXt stage 1 with an odd pixel count), two batch items, batch split
        for (int[] bcp : new int[][] {{1, 96, 56 * 56 + 3}, {2, 64, 1000}, {64, 8, 49}, {1, 256, 64 * 64}}) {
            int batch = bcp[0], c = bcp[1], p = bcp[2], n = batch * c * p;
            float[] x = Twins.gaussian(n, n + 1, 3f), w = Twins.gaussian(c, c, 1f), b = Twins.gaussian(c + 1, c, 1f);
            float[] want = new float[n], got = new float[n];
            kernel.layerNorm2d(want, 0, x, 1, w, 0, b, 0, batch, c, p, 1e-6f);
            par.layerNorm2d(got, 0, x, 1, w, 0, b, 0, batch, c, p, 1e-6f);
            Twins.assertSameBits(par.name() + " layerNorm2d " + batch + "x" + c + "x" + p, want, got);
        }
    }

    @ParameterizedTest(name = "{0} [{1},{2},{3}]")
    @CsvSource({"300,577,1", "50,7,100", "2,40000,1", "1,577,577"})
    void softmaxEqualsOneThread(int outer, int dim, int inner) {
        for (Norms kernel : new Norms[] {ScalarNorms.INSTANCE, VectorNorms.S128, VectorNorms.S256, VectorNorms.S512}) {
            Norms par = ParallelNorms.of(kernel);
            int n = outer * dim * inner;
            float[] x = Twins.gaussian(n + dim, n, 5f);
            float[] want = new float[n], got = new float[n];
            kernel.softmax(want, 0, x, 0, outer, dim, inner);
            par.softmax(got, 0, x, 0, outer, dim, inner);
            Twins.assertSameBits(par.name() + " softmax", want, got);
        }
    }
}
