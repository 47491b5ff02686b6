package dev.ocelli.jmh;

import dev.ocelli.kernels.act.Activation;
import dev.ocelli.kernels.act.Activations;
import dev.ocelli.kernels.act.ScalarActivations;
import dev.ocelli.kernels.act.VectorActivations;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Activations over 4M floats (4·2^20), out of place: 16 MiB read + 16 MiB written per op
 * (33.55 MB), so GB/s = 33.55 / (ms/op). Compare with
 * {@link CopyBandwidthBenchmark} at the same size (System.arraycopy moves the same bytes).
 * {@code scalar} is the reference twin, {@code vector} the preferred-width Vector API kernel.
 *
 * <pre>java -jar jmh/target/benchmarks.jar ActivationBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ActivationBenchmark {

    static final int N = 4 << 20;

    @Param({"GELU", "GELU_TANH", "QUICK_GELU", "SILU"})
    public Activation activation;

    @Param({"vector", "scalar"})
    public String impl;

    float[] x, y;
    Activations act;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        x = new float[N];
        y = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (r.nextDouble() * 8 - 4);
        }
        act = impl.equals("vector") ? VectorActivations.preferred() : ScalarActivations.INSTANCE;
    }

    @Benchmark
    public float[] apply() {
        act.apply(activation, y, 0, x, 0, N);
        return y;
    }
}
