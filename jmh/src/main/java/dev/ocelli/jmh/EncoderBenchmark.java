package dev.ocelli.jmh;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.convnext.ConvNeXt;
import dev.ocelli.encoders.convnext.ConvNeXtConfig;
import dev.ocelli.encoders.vit.VisionTransformer;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.encoders.vit.VitOptions;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * End-to-end encoder forwards at paper size, batch 1, full-size synthetic weights
 * ({@code synthetic(preset, seed 0)}: same shapes and code path as a checkpoint, heap F32), on the
 * engine's thread pool set to {@code threads} (the caller included):
 *
 * <pre>
 *   encoder              input        GFLOP / forward (2 per multiply-add; norms, softmax, GELU not counted)
 *   clip-vit-l-14-336    336² (577 t)  382.2  = 24·(24·N·C² + 4·N²·C) + patch 2·576·1024·588
 *   convnext-large       768²          807.8  = stem + downsamples + Σ blocks (2·HW·C·49 + 16·HW·C²)
 *   sam-vit-l            1024²        2985.6  windowed layers run qkv/proj on the 70×70 padded grid (4900 t),
 *                                             attention 25 windows of 196, rel-pos terms; 4 global layers
 *                                             on 4096 t; patch embed; neck 1×1 + 3×3 convs
 *   internvit-300m-448   448² (1025 t) 723.9  = 24·(24·N·C² + 4·N²·C) + patch 2·1024·1024·588
 * </pre>
 * ({@link #gflop} computes each; the formulas are spelled out there.) The score is ms per
 * forward; every measurement iteration also prints one line with the mean ms, achieved GFLOP/s
 * (GFLOP above / mean time) and the peak heap in use during the iteration (sampled every 2 ms,
 * weights included; synthetic weights live on the heap: ViT-L ≈ 1.2 GB, ConvNeXt-L ≈ 0.8 GB,
 * InternViT-300M ≈ 1.2 GB). In {@code -bm thrpt -tu s} the {@code gflop} counter column is GFLOP/s.
 *
 * <pre>java -jar jmh/target/benchmarks.jar EncoderBenchmark -p encoder=convnext-large -wi 1 -i 3</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx12g"})
@State(Scope.Benchmark)
public class EncoderBenchmark {

    @Param({"clip-vit-l-14-336", "convnext-large", "sam-vit-l", "internvit-300m-448"})
    public String encoder;

    @Param({"2"})
    public int threads;

    private ConvNeXt convnext;
    private VisionTransformer vit;
    private VitOptions vitOptions;
    private Tensor pixels;
    private double gflop;

    // per-iteration bookkeeping, printed at the end of each iteration
    private long iterNanos, iterOps;
    private final AtomicLong peakHeap = new AtomicLong();
    private volatile boolean sampling;
    private Thread sampler;

    @Setup(Level.Trial)
    public void setup() {
        WorkerPool.shared().setThreads(threads);
        int side;
        switch (encoder) {
            case "convnext-large", "convnext-xxlarge" -> {
                ConvNeXtConfig cfg = ConvNeXtConfig.preset(encoder);
                convnext = ConvNeXt.synthetic(cfg, 0);
                side = 768;
                gflop = cfg.flops(side, side) / 1e9;
            }
            default -> {
                VitConfig cfg = VitConfig.preset(encoder);
                vit = VisionTransformer.synthetic(cfg, 0);
                // only the last layer is needed: do not keep 25 hidden states alive
                vitOptions = VitOptions.defaults().withKeepHiddenStates(false);
                side = cfg.imageSize();
                gflop = vitGflop(cfg);
            }
        }
        pixels = Tensor.zeros(1, 3, side, side);
        SplittableRandom rnd = new SplittableRandom(42);
        float[] p = pixels.storage().floatArray();
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (rnd.nextDouble() * 4 - 2); // normalized-pixel range
        }
        System.out.printf(Locale.ROOT, "%n# %s, %d threads, %s; %.1f GFLOP per forward%n", encoder, threads,
                Gemms.describe(), gflop);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        iterNanos = 0;
        iterOps = 0;
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        peakHeap.set(mem.getHeapMemoryUsage().getUsed());
        sampling = true;
        sampler = new Thread(() -> {
            while (sampling) {
                long used = mem.getHeapMemoryUsage().getUsed();
                peakHeap.accumulateAndGet(used, Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws InterruptedException {
        sampling = false;
        sampler.join();
        if (iterOps > 0) {
            double ms = iterNanos / 1e6 / iterOps;
            System.out.printf(Locale.ROOT, "  [%s] %d forwards, %.0f ms each, %.1f GFLOP/s, peak heap %.0f MB%n",
                    encoder, iterOps, ms, gflop / (ms / 1e3), peakHeap.get() / 1048576.0);
        }
    }

    /** Counts GFLOP done; in {@code -bm thrpt -tu s} JMH reports it per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public double gflop;
    }

    @Benchmark
    public Object forward(Flops f) {
        long t0 = System.nanoTime();
        Object out = convnext != null ? convnext.forward(pixels) : vit.forward(pixels, vitOptions);
        iterNanos += System.nanoTime() - t0;
        iterOps++;
        f.gflop += gflop;
        return out;
    }

    /**
     * GFLOP of one ViT forward at the config's own image size, 2 FLOPs per multiply-add:
     * <ul>
     *   <li>patch embedding: 2·P·C·(3·p²) for P patches of p×p;</li>
     *   <li>per layer on T tokens: qkv 2·T·C·3C, out proj 2·T·C·C, MLP 2·T·C·I·2, attention
     *       QKᵀ and PV 4·T_a²·C per attention group of T_a tokens;</li>
     *   <li>SAM: windowed layers pad the grid to a multiple of the window (64 → 70) before qkv, so
     *       qkv and proj run on the padded tokens and attention on (70/14)² windows of 196; the
     *       decomposed rel-pos terms add 2·2·T_a·S·C per group (S = window or grid side);
     *       global layers attend over all 4096 tokens; the neck adds a 1×1 conv C→256 and a 3×3
     *       conv 256→256 on the grid.</li>
     * </ul>
     */
    static double vitGflop(VitConfig c) {
        int g = c.imageSize() / c.patchSize();
        long patches = (long) g * g;
        double cdim = c.hiddenSize(), inter = c.intermediateSize();
        double f = 2.0 * patches * cdim * 3 * c.patchSize() * c.patchSize();
        boolean sam = c.family() == VitConfig.Family.SAM;
        long tokens = patches + (c.hasClassToken() ? 1 : 0);
        for (int l = 0; l < c.numLayers(); l++) {
            int win = sam ? c.windowOf(l) : 0;
            double t = tokens, tAttn, groups, side;
            if (win > 0) {
                int padded = Math.ceilDiv(g, win) * win;
                t = (double) padded * padded;
                groups = (double) (padded / win) * (padded / win);
                tAttn = (double) win * win;
                side = win;
            } else {
                groups = 1;
                tAttn = tokens;
                side = g;
            }
            f += 2 * t * cdim * 4 * cdim;                  // qkv + proj
            f += 2 * tokens * cdim * inter * 2;            // MLP
            f += groups * 4 * tAttn * tAttn * cdim;        // QKᵀ, PV
            if (sam) {
                f += groups * 2 * 2 * tAttn * side * cdim; // rel_h, rel_w
            }
        }
        if (sam && c.neck() != VitConfig.Neck.NONE) {
            double n = c.neckChannels();
            f += 2 * patches * cdim * n + 2 * patches * n * n * 9;
        }
        return f / 1e9;
    }
}
