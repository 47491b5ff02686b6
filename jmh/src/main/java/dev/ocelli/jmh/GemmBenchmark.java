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
 * SGEMM on the encoder shapes ({@link GemmShape}) for the vector and jblas backends and 1 or 2
 * threads, in one run so the figures compare. Score: calls/s; the secondary metric
 * {@code gflops} is GFLOP/s (= score × 2·M·N·K / 1e9). Read it against FmaPeakBenchmark.
 * The scalar reference has its own class (GemmScalarBenchmark) restricted to small shapes:
 * at 2048³ one scalar call takes over a minute.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar GemmBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * java -jar jmh/target/benchmarks.jar GemmBenchmark -p shape=sq1024 -p backend=vector -p threads=1 -prof gc
 * </pre>
 * Warm-up note: C1 cannot compile the microkernel (24 live vectors), so the first seconds run
 * interpreted until C2 finishes; keep at least ~5 s of warm-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class GemmBenchmark {

    @Param({"sq256", "sq512", "sq1024", "sq2048", "vitl_qkv", "vitl_fc1", "vitl_fc2", "convnext_pw1", "convnext_pw2",
            "attn_qk", "attn_pv"})
    public String shape;

    @Param({"vector", "jblas"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private GemmState state;

    @Setup
    public void setup() {
        state = new GemmState(GemmShape.valueOf(shape), backend, threads);
    }

    @Benchmark
    public float[] gemm(GflopCounter counter) {
        state.run();
        counter.gflops += state.shape.gflop();
        return state.c;
    }
}
