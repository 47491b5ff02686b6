package dev.ocelli.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The scalar reference (v0) and the numbered teaching versions (v1..v4), single-threaded, on
 * the plain row-major shapes where one call stays short enough to time (v0 at 2048³ would take
 * minutes).
 * Secondary metric {@code gflops} as in {@link GemmBenchmark}. (The version table of
 * docs/kernels/gemm.md is measured at 1024³ with {@code GemmBench}, where v0 is too slow for a
 * JMH iteration.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class GemmScalarBenchmark {

    @Param({"sq256", "sq512", "attn_pv"})
    public String shape;

    @Param({"scalar", "v1", "v2", "v3", "v4"})
    public String backend;

    private GemmState state;

    @Setup
    public void setup() {
        // plain row-major shapes only: the teaching versions do not take a transposed B
        state = new GemmState(GemmShape.valueOf(shape), backend, 1);
    }

    @Benchmark
    public float[] gemm(GflopCounter counter) {
        state.run();
        counter.gflops += state.shape.gflop();
        return state.c;
    }
}
