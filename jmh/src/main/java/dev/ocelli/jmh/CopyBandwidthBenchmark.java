package dev.ocelli.jmh;

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
 * The memory-bandwidth yardstick for element-wise kernels: System.arraycopy of n floats, which
 * reads 4n bytes and writes 4n bytes, exactly the traffic of an out-of-place activation or
 * LayerNorm over n floats. GB/s = 8n / time. Sizes: 577·1024 (a ViT-L LayerNorm input, 2.3 MiB,
 * mostly cache-resident) and 4M (16 MiB, the GELU benchmark size).
 *
 * <pre>java -jar jmh/target/benchmarks.jar CopyBandwidthBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class CopyBandwidthBenchmark {

    @Param({"590848", "4194304"})
    public int n;

    float[] src, dst;

    @Setup(Level.Trial)
    public void setup() {
        src = new float[n];
        dst = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = i;
        }
    }

    @Benchmark
    public float[] copy() {
        System.arraycopy(src, 0, dst, 0, n);
        return dst;
    }
}
