package dev.ocelli.jmh;

import dev.ocelli.kernels.bench.FmaProbe;
import dev.ocelli.kernels.parallel.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The FMA ceiling: {@link FmaProbe#fmaLoop} (16 independent accumulators on the preferred
 * species, no memory traffic) on 1 or 2 threads of the engine pool. Secondary metric
 * {@code gflops} = GFLOP/s; every GEMM figure is read as a fraction of this.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FmaPeakBenchmark {

    /** Loop iterations per call and thread: 200k × 16 FMAs × lanes. */
    static final long ITERS = 200_000;

    @Param({"1", "2"})
    public int threads;

    private final float[] sink = new float[2];

    @Benchmark
    public float[] fma(GflopCounter counter) {
        WorkerPool.shared().run(threads, threads, t -> sink[t] += FmaProbe.fmaLoop(ITERS, 0.999f));
        counter.gflops += (double) ITERS * FmaProbe.FLOPS_PER_ITERATION * threads / 1e9;
        return sink;
    }
}
