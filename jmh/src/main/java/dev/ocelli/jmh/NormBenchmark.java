package dev.ocelli.jmh;

import dev.ocelli.kernels.norm.Norms;
import dev.ocelli.kernels.norm.ScalarNorms;
import dev.ocelli.kernels.norm.VectorNorms;
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
 * LayerNorm over [577, 1024] (CLIP ViT-L/14-336 tokens × width) with weight and bias, out of
 * place: 2.36 MB read + 2.36 MB written (weights are 8 KB), GB/s = 4.73 MB / time; compare with
 * {@link CopyBandwidthBenchmark} at n = 590848. Also softmax over the last dim of [16·577, 577]
 * (attention-score sized rows).
 *
 * <pre>java -jar jmh/target/benchmarks.jar NormBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class NormBenchmark {

    static final int ROWS = 577, DIM = 1024;

    @Param({"vector", "scalar"})
    public String impl;

    float[] x, y, w, b, scores, probs;
    Norms norms;

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
        scores = new float[16 * 577 * 577];
        probs = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) r.nextGaussian() * 3;
        }
        norms = impl.equals("vector") ? VectorNorms.preferred() : ScalarNorms.INSTANCE;
    }

    @Benchmark
    public float[] layerNorm577x1024() {
        norms.layerNorm(y, 0, x, 0, w, 0, b, 0, ROWS, DIM, 1e-5f);
        return y;
    }

    @Benchmark
    public float[] softmax16x577x577() {
        norms.softmax(probs, 0, scores, 0, 16 * 577, 577, 1);
        return probs;
    }
}
