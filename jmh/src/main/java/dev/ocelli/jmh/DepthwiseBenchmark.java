package dev.ocelli.jmh;

import dev.ocelli.kernels.conv.DepthwiseConv;
import dev.ocelli.kernels.conv.ScalarDepthwiseConv;
import dev.ocelli.kernels.conv.VectorDepthwiseConv;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * Depthwise 7×7, 192 channels, 192×192, padding 3, with bias (ConvNeXt-L stage 1 / MR-Adapter):
 * 2·192·192·192·49 = 0.694 GFLOP per op, GFLOP/s = 693.6 / (ms/op).
 * <ul>
 *   <li>{@code nhwc}: the vector kernel on channels-last data (what a channels-last model calls),
 *       with 1 or 2 threads (rows split in two halves: the calling thread and one helper thread of
 *       a benchmark-local executor; the engine's WorkerPool is on another branch, see the report);</li>
 *   <li>{@code nchw}: the NCHW entry point, which adds the two layout transposes (1 thread);</li>
 *   <li>{@code scalar}: the NCHW reference (1 thread, slow).</li>
 * </ul>
 *
 * <pre>java -jar jmh/target/benchmarks.jar DepthwiseBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class DepthwiseBenchmark {

    static final int C = 192, H = 192, W = 192, K = 7, P = 3;

    @Param({"nhwc-1t", "nhwc-2t", "nchw-1t", "scalar-1t"})
    public String variant;

    float[] x, weightHwc, weightChw, bias, y;
    DepthwiseConv vector;
    ExecutorService helper;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(3);
        x = new float[C * H * W];
        y = new float[C * H * W];
        weightHwc = new float[K * K * C];
        weightChw = new float[C * K * K];
        bias = new float[C];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < weightHwc.length; i++) {
            weightHwc[i] = weightChw[i] = (float) r.nextGaussian() * 0.1f;
        }
        vector = VectorDepthwiseConv.preferred();
        helper = Executors.newSingleThreadExecutor(t -> {
            Thread th = new Thread(t, "dw-helper");
            th.setDaemon(true);
            return th;
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        helper.shutdownNow();
    }

    @Benchmark
    public float[] conv() throws Exception {
        switch (variant) {
            case "nhwc-1t" -> vector.conv2dNhwc(y, 0, x, 0, weightHwc, 0, bias, 0, 1, C, H, W, K, K, 1, 1, P, P, 1, 1, 0, H);
            case "nhwc-2t" -> {
                Future<?> f = helper.submit(() ->
                        vector.conv2dNhwc(y, 0, x, 0, weightHwc, 0, bias, 0, 1, C, H, W, K, K, 1, 1, P, P, 1, 1, H / 2, H));
                vector.conv2dNhwc(y, 0, x, 0, weightHwc, 0, bias, 0, 1, C, H, W, K, K, 1, 1, P, P, 1, 1, 0, H / 2);
                f.get();
            }
            case "nchw-1t" -> vector.conv2d(y, 0, x, 0, weightChw, 0, bias, 0, 1, C, H, W, K, K, 1, 1, P, P, 1, 1);
            case "scalar-1t" -> ScalarDepthwiseConv.INSTANCE.conv2d(y, 0, x, 0, weightChw, 0, bias, 0, 1, C, H, W, K, K,
                    1, 1, P, P, 1, 1);
            default -> throw new IllegalArgumentException(variant);
        }
        return y;
    }
}
