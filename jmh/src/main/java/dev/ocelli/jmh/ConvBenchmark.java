package dev.ocelli.jmh;

import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.F;
import dev.ocelli.kernels.conv.Conv2d;
import dev.ocelli.kernels.conv.ConvShape;
import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.parallel.WorkerPool;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three named convolutions of issue 4, batch 1, NCHW, with bias:
 * <ul>
 *   <li>{@code conv3x3}: 3×3, 256→256 at 64×64, padding 1, 4.83 GFLOP (route IMPLICIT, implicit im2row);</li>
 *   <li>{@code patchify}: 14/14, 3→1024 at 336² (CLIP ViT-L/14-336), 0.69 GFLOP (route PATCHIFY);</li>
 *   <li>{@code dwconv}: depthwise 7×7, 192 channels at 192², padding 3, through {@link F#conv2d},
 *       0.35 GFLOP (route DEPTHWISE).</li>
 * </ul>
 * {@code conv3x3}/{@code patchify} call {@link Conv2d} on a GEMM with the given thread count;
 * {@code dwconv} goes through {@link F} on the engine pool set to that count. The {@code route}
 * param also times the other routes on the same shapes (IM2COL = explicit im2col buffer, IMPLICIT_B = the B-side implicit im2col,
 * the baseline the implicit packing is compared with). Times in ms/op; the {@code gflops}
 * counter gives GFLOP/s with {@code -bm thrpt -tu s}.
 *
 * <pre>java -jar jmh/target/benchmarks.jar ConvBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ConvBenchmark {

    @Param({"1", "2"})
    public int threads;

    /** AUTO = the route Conv2d picks; IMPLICIT/IM2COL/PATCHIFY force one (where it applies). */
    @Param({"AUTO"})
    public String route;

    ConvShape conv3x3 = new ConvShape(1, 256, 64, 64, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1);
    ConvShape patchify = new ConvShape(1, 3, 336, 336, 1024, 14, 14, 14, 14, 0, 0, 1, 1, 1);

    Gemm gemm;
    float[] x3, w3, b3, y3;
    /** The weights as GEMM operands, made once like a model holds its weights (not per call). */
    Operand w3op, wpop;
    float[] xp, wp, bp, yp;
    Tensor xd, wd, bd;
    int savedThreads;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(42);
        gemm = Gemms.create(Gemms.get().name(), threads);
        x3 = random(rnd, 256 * 64 * 64);
        w3 = random(rnd, 256 * 256 * 9);
        b3 = random(rnd, 256);
        y3 = new float[256 * 64 * 64];
        xp = random(rnd, 3 * 336 * 336);
        wp = random(rnd, 1024 * 588);
        bp = random(rnd, 1024);
        yp = new float[1024 * 24 * 24];
        w3op = Operand.rowMajor(w3, 0, 256 * 9);
        wpop = Operand.rowMajor(wp, 0, 588);
        xd = Tensor.of(random(rnd, 192 * 192 * 192), 1, 192, 192, 192);
        wd = Tensor.of(random(rnd, 192 * 49), 192, 1, 7, 7);
        bd = Tensor.of(random(rnd, 192), 192);
        savedThreads = WorkerPool.shared().threads();
        WorkerPool.shared().setThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkerPool.shared().setThreads(savedThreads);
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    private Conv2d.Route routeFor(ConvShape s) {
        return route.equals("AUTO") ? Conv2d.route(s, gemm) : Conv2d.Route.valueOf(route);
    }

    /** Counts GFLOP done; in {@code -bm thrpt -tu s} JMH reports it per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public double gflops;
    }

    @Benchmark
    public float[] conv3x3(Flops f) {
        Conv2d.conv2d(y3, 0, x3, 0, w3op, b3, 0, conv3x3, gemm, routeFor(conv3x3));
        f.gflops += conv3x3.flops() * 1e-9;
        return y3;
    }

    @Benchmark
    public float[] patchify(Flops f) {
        Conv2d.conv2d(yp, 0, xp, 0, wpop, bp, 0, patchify, gemm, routeFor(patchify));
        f.gflops += patchify.flops() * 1e-9;
        return yp;
    }

    @Benchmark
    public Tensor dwconv(Flops f) {
        Tensor y = F.conv2d(xd, wd, bd, 1, 3, 1, 192);
        f.gflops += 2.0 * 192 * 192 * 192 * 49 * 1e-9;
        return y;
    }
}
