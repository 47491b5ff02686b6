package dev.ocelli.jmh;

import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.preprocess.SampleImage;
import dev.ocelli.fusion.pipeline.FusionPipeline;
import dev.ocelli.fusion.pipeline.PipelineResult;
import dev.ocelli.fusion.pipeline.Pipelines;
import dev.ocelli.fusion.pipeline.StageTiming;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * The five fusion pipelines end to end at full size: the bundled sample photo (decoded once) →
 * preprocessing → encoders → fusion → projector → visual tokens [tokens, 4096], with deterministic
 * synthetic weights ({@code Pipelines.synthetic(name, 4096, 6, seed 0)}: the released shapes and
 * code path, weights on the heap), on the engine's pool set to {@code threads} (caller included).
 *
 * <pre>
 *   pipeline         encoders (input)                                    tokens
 *   mini-gemini      CLIP-L 336 (23 layers) + ConvNeXt-L 768               576
 *   mini-gemini-hd   CLIP-L 5 × 336 + ConvNeXt-L 1536                     2880
 *   llava-hr         CLIP-L 448 with 3 MR-adapters + ConvNeXt-L 1024      1024
 *   eagle            CLIP-L 336 + ConvNeXt-XXL 1024 + SAM-L 1024          1024
 *   leo              per tile: InternViT-300M 448 + SAM-L 1024            512 per tile (sample photo → its tile count)
 * </pre>
 * GFLOP per run is the sum over the stages of the pipeline's own {@link FusionPipeline#plan} for
 * the sample photo's size (2 FLOPs per multiply-add; norms, softmax, activations, resampling not
 * counted), the same figures {@code ocelli encode} prints. A run takes seconds, so this is
 * single-shot per iteration ({@code Mode.SingleShotTime}); the score is ms per run. Each
 * measurement iteration also prints the run's GFLOP/s, its slowest stages and the peak heap in use
 * during it (sampled every 2 ms; weights included: ViT-L ≈ 1.2 GB, ConvNeXt-L ≈ 0.8 GB,
 * ConvNeXt-XXL ≈ 3.4 GB, SAM-L ≈ 1.2 GB, InternViT-300M ≈ 1.2 GB as F32).
 *
 * <pre>java -jar jmh/target/benchmarks.jar PipelineBenchmark -p pipeline=eagle -wi 1 -i 2</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx14g"})
@State(Scope.Benchmark)
public class PipelineBenchmark {

    @Param({"mini-gemini", "mini-gemini-hd", "llava-hr", "eagle", "leo"})
    public String pipeline;

    @Param({"2"})
    public int threads;

    private FusionPipeline p;
    private RgbImage image;
    private double gflop;
    private PipelineResult last;

    private final AtomicLong peakHeap = new AtomicLong();
    private volatile boolean sampling;
    private Thread sampler;
    private long runNanos;

    @Setup(Level.Trial)
    public void setup() {
        WorkerPool.shared().setThreads(threads);
        image = SampleImage.load();
        long t0 = System.nanoTime();
        p = Pipelines.synthetic(pipeline, Pipelines.DEFAULT_LLM_HIDDEN, Pipelines.DEFAULT_MAX_TILES, 0);
        double loadMs = (System.nanoTime() - t0) / 1e6;
        List<StageTiming> plan = p.plan(image.width(), image.height());
        gflop = plan.stream().mapToDouble(StageTiming::gflop).sum();
        long[] tokens = plan.get(plan.size() - 1).shape();
        System.out.printf(Locale.ROOT, "%n# %s, %d threads, %s; image %dx%d → tokens %s; %.1f GFLOP per run; "
                        + "synthetic weights generated in %.0f ms%n", pipeline, threads, Gemms.describe(), image.width(),
                image.height(), java.util.Arrays.toString(tokens), gflop, loadMs);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        p.close();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        last = null;
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        peakHeap.set(mem.getHeapMemoryUsage().getUsed());
        sampling = true;
        sampler = new Thread(() -> {
            while (sampling) {
                peakHeap.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
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
        if (last == null) {
            return;
        }
        double ms = runNanos / 1e6;
        StringBuilder slow = new StringBuilder();
        last.stages().stream().sorted((a, b) -> Double.compare(b.millis(), a.millis())).limit(3)
                .forEach(s -> slow.append(String.format(Locale.ROOT, " %s %.0f ms (%.1f GFLOP/s);", s.name(), s.millis(),
                        s.gflopPerSecond())));
        System.out.printf(Locale.ROOT, "  [%s] %.0f ms, %.1f GFLOP/s, %d tokens, peak heap %.0f MB; slowest:%s%n",
                pipeline, ms, gflop / (ms / 1e3), last.tokenCount(), peakHeap.get() / 1048576.0, slow);
    }

    @Benchmark
    public Object encode() {
        long t0 = System.nanoTime();
        last = p.encode(image);
        runNanos = System.nanoTime() - t0;
        return last.tokens();
    }
}
