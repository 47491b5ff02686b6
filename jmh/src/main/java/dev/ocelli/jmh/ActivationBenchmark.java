package dev.ocelli.jmh;

import dev.ocelli.kernels.act.Activation;
import dev.ocelli.kernels.act.Activations;
import dev.ocelli.kernels.act.ParallelActivations;
import dev.ocelli.kernels.act.ScalarActivations;
import dev.ocelli.kernels.act.VectorActivations;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Activations over 4M floats (4·2^20), out of place, through {@link ParallelActivations} (what
 * {@code F.gelu} runs) on {@code threads} threads of the engine pool: 16 MiB read + 16 MiB
 * written per op, reported as the secondary metric {@code gbytes} in GB/s. The yardstick is
 * {@link CopyBandwidthBenchmark} with n = 4194304 and the same thread count, in the same run:
 *
 * <pre>java -jar jmh/target/benchmarks.jar "ActivationBenchmark|NormBenchmark|CopyBandwidthBenchmark" -p threads=2 -prof gc</pre>
 *
 * {@code scalar} is the reference twin, {@code vector} the preferred-width Vector API kernel.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ActivationBenchmark {

    static final int N = 4 << 20;
    static final double GB_PER_CALL = 8.0 * N / 1e9;

    @Param({"GELU", "GELU_TANH", "QUICK_GELU", "SILU"})
    public Activation activation;

    @Param({"vector", "scalar"})
    public String impl;

    @Param({"2", "1"})
    public int threads;

    float[] x, y;
    Activations act;
    int threadsBefore;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        x = new float[N];
        y = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (r.nextDouble() * 8 - 4);
        }
        act = ParallelActivations.of(impl.equals("vector") ? VectorActivations.preferred() : ScalarActivations.INSTANCE);
        threadsBefore = WorkerPool.shared().threads();
        WorkerPool.shared().setThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkerPool.shared().setThreads(threadsBefore);
    }

    @Benchmark
    public float[] apply(GbCounter gb) {
        act.apply(activation, y, 0, x, 0, N);
        gb.gbytes += GB_PER_CALL;
        return y;
    }
}
