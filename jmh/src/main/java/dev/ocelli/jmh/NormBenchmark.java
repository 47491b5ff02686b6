package dev.ocelli.jmh;

import dev.ocelli.kernels.norm.Norms;
import dev.ocelli.kernels.norm.ParallelNorms;
import dev.ocelli.kernels.norm.ScalarNorms;
import dev.ocelli.kernels.norm.VectorNorms;
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
 * Through {@link ParallelNorms} (what {@code F.layerNorm} / {@code F.softmax} run) on
 * {@code threads} threads of the engine pool, out of place, GB/s as the secondary metric
 * {@code gbytes} (bytes read + written; the 8 KB of LayerNorm weights are not counted):
 * <ul>
 *   <li>LayerNorm over [577, 1024] (CLIP ViT-L/14-336 tokens × width) with weight and bias:
 *       2.36 MB read + 2.36 MB written; compare with {@link CopyBandwidthBenchmark} at
 *       n = 590848 and the same thread count, in the same run.</li>
 *   <li>softmax over the last dim of [16·577, 577] (attention-score sized rows).</li>
 * </ul>
 *
 * <pre>java -jar jmh/target/benchmarks.jar "NormBenchmark|CopyBandwidthBenchmark" -p threads=2 -prof gc</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class NormBenchmark {

    static final int ROWS = 577, DIM = 1024, SOFTMAX_ROWS = 16 * 577, SOFTMAX_DIM = 577;

    @Param({"vector", "scalar"})
    public String impl;

    @Param({"2", "1"})
    public int threads;

    float[] x, y, w, b, scores, probs;
    Norms norms;
    int threadsBefore;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(11);
        x = new float[ROWS * DIM];
        y = new float[ROWS * DIM];
        w = new float[DIM];
        b = new float[DIM];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < DIM; i++) {
            w[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian();
        }
        scores = new float[SOFTMAX_ROWS * SOFTMAX_DIM];
        probs = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) r.nextGaussian() * 3;
        }
        norms = ParallelNorms.of(impl.equals("vector") ? VectorNorms.preferred() : ScalarNorms.INSTANCE);
        threadsBefore = WorkerPool.shared().threads();
        WorkerPool.shared().setThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkerPool.shared().setThreads(threadsBefore);
    }

    @Benchmark
    public float[] layerNorm577x1024(GbCounter gb) {
        norms.layerNorm(y, 0, x, 0, w, 0, b, 0, ROWS, DIM, 1e-5f);
        gb.gbytes += 8.0 * ROWS * DIM / 1e9;
        return y;
    }

    @Benchmark
    public float[] softmax16x577x577(GbCounter gb) {
        norms.softmax(probs, 0, scores, 0, SOFTMAX_ROWS, SOFTMAX_DIM, 1);
        gb.gbytes += 8.0 * SOFTMAX_ROWS * SOFTMAX_DIM / 1e9;
        return probs;
    }
}
