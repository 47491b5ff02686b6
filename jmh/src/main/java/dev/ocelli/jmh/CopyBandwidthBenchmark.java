package dev.ocelli.jmh;

import dev.ocelli.kernels.parallel.WorkerPool;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
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
 * The memory-bandwidth yardstick for element-wise kernels: System.arraycopy of n floats, which
 * reads 4n bytes and writes 4n bytes, exactly the traffic of an out-of-place activation or
 * LayerNorm over n floats; secondary metric {@code gbytes} in GB/s. Sizes: 577·1024 (a ViT-L
 * LayerNorm input, 2.3 MiB, mostly cache-resident), 4M (16 MiB, the GELU benchmark size; source
 * and destination together fit the 32 MB L3) and 64M (256 MiB each way: far beyond every cache,
 * so this one measures the memory bandwidth proper, DRAM).
 * With {@code threads} = T the copy is cut into T contiguous halves/thirds run on the engine
 * pool, as the parallel activations are, so the ratio compares like with like.
 *
 * <pre>java -jar jmh/target/benchmarks.jar CopyBandwidthBenchmark -p threads=2</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@State(Scope.Benchmark)
public class CopyBandwidthBenchmark {

    @Param({"590848", "4194304", "67108864"})
    public int n;

    @Param({"2", "1"})
    public int threads;

    float[] src, dst;
    IntConsumer part;
    int threadsBefore;

    @Setup(Level.Trial)
    public void setup() {
        src = new float[n];
        dst = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = i;
        }
        // built once: the parts only read the state's fields, so calls allocate nothing
        part = t -> {
            int s = (int) ((long) n * t / threads), e = (int) ((long) n * (t + 1) / threads);
            System.arraycopy(src, s, dst, s, e - s);
        };
        threadsBefore = WorkerPool.shared().threads();
        WorkerPool.shared().setThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkerPool.shared().setThreads(threadsBefore);
    }

    @Benchmark
    public float[] copy(GbCounter gb) {
        if (threads == 1) {
            System.arraycopy(src, 0, dst, 0, n);
        } else {
            WorkerPool.shared().run(threads, threads, part);
        }
        gb.gbytes += 8.0 * n / 1e9;
        return dst;
    }
}
