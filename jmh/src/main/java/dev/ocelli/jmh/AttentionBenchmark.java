package dev.ocelli.jmh;

import dev.ocelli.kernels.attention.Attention;
import dev.ocelli.kernels.attention.AttentionDims;
import dev.ocelli.kernels.attention.FlashAttention;
import dev.ocelli.kernels.attention.HeadView;
import dev.ocelli.kernels.attention.ScalarAttention;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Self-attention, 16 heads, d = 64, batch 1, no bias, q/k/v [1, 16, N, 64] contiguous:
 * <ul>
 *   <li>N = 577: CLIP ViT-L/14-336 (576 patches + CLS), 1.37 GFLOP;</li>
 *   <li>N = 4096: a SAM ViT-L global-attention layer (64×64 tokens), 68.7 GFLOP.</li>
 * </ul>
 * {@code flash}: {@link FlashAttention} at the preferred width with 1 or 2 threads;
 * {@code scalar}: the {@link ScalarAttention} reference, only on 577 (it takes minutes on 4096).
 * Times in ms/op; the {@code gflops} column (an auxiliary counter, 4·H·N²·d flops per op) gives
 * GFLOP/s when run in throughput mode: {@code -bm thrpt -tu s}.
 *
 * <pre>java -jar jmh/target/benchmarks.jar AttentionBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class AttentionBenchmark {

    static final int HEADS = 16, HEAD_DIM = 64;

    @Param({"577", "4096"})
    public int tokens;

    @Param({"1", "2"})
    public int threads;

    AttentionDims dims;
    HeadView q, k, v, out;
    FlashAttention flash;

    @Setup(Level.Trial)
    public void setup() {
        dims = new AttentionDims(1, HEADS, tokens, tokens, HEAD_DIM);
        int n = HEADS * tokens * HEAD_DIM;
        SplittableRandom rnd = new SplittableRandom(42);
        q = HeadView.contiguous(random(rnd, n), 0, HEADS, tokens, HEAD_DIM);
        k = HeadView.contiguous(random(rnd, n), 0, HEADS, tokens, HEAD_DIM);
        v = HeadView.contiguous(random(rnd, n), 0, HEADS, tokens, HEAD_DIM);
        out = HeadView.contiguous(new float[n], 0, HEADS, tokens, HEAD_DIM);
        flash = FlashAttention.create(threads);
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Counts GFLOP done; in {@code -bm thrpt -tu s} JMH reports it per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public double gflops;
    }

    @Benchmark
    public float[] flash(Flops f) {
        flash.forward(out, q, k, v, null, Attention.defaultScale(HEAD_DIM), dims);
        f.gflops += dims.flops() * 1e-9;
        return out.data();
    }

    /** The materialising scalar reference on the CLIP shape, one thread. */
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 2)
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
    @State(Scope.Benchmark)
    public static class Reference {
        AttentionDims dims;
        HeadView q, k, v, out;
        final ScalarAttention scalar = new ScalarAttention();

        @Setup(Level.Trial)
        public void setup() {
            int tokens = 577;
            dims = new AttentionDims(1, HEADS, tokens, tokens, HEAD_DIM);
            int n = HEADS * tokens * HEAD_DIM;
            SplittableRandom rnd = new SplittableRandom(42);
            q = HeadView.contiguous(random(rnd, n), 0, HEADS, tokens, HEAD_DIM);
            k = HeadView.contiguous(random(rnd, n), 0, HEADS, tokens, HEAD_DIM);
            v = HeadView.contiguous(random(rnd, n), 0, HEADS, tokens, HEAD_DIM);
            out = HeadView.contiguous(new float[n], 0, HEADS, tokens, HEAD_DIM);
        }

        @Benchmark
        public float[] scalar577(Flops f) {
            scalar.forward(out, q, k, v, null, Attention.defaultScale(HEAD_DIM), dims);
            f.gflops += dims.flops() * 1e-9;
            return out.data();
        }
    }
}
