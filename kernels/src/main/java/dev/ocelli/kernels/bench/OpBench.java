package dev.ocelli.kernels.bench;

import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.F;
import dev.ocelli.kernels.attention.Attention;
import dev.ocelli.kernels.attention.AttentionDims;
import dev.ocelli.kernels.attention.FlashAttention;
import dev.ocelli.kernels.attention.HeadView;
import dev.ocelli.kernels.conv.Conv2d;
import dev.ocelli.kernels.conv.ConvShape;
import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The named operator shapes of issue 4, timed outside JMH: what {@code ocelli bench <op>} runs.
 *
 * <pre>{@code
 * OpBench.Result r = OpBench.run("conv3x3", 2);          // or run(new OpBench.Config("conv3x3").threads(2))
 * System.out.println(r.toJson());   // {"op":"conv3x3","shape":"...","threads":2,"ms":..,"gflops":..,"gbps":null,...}
 * }</pre>
 *
 * <ul>
 *   <li>{@code conv3x3}: F.conv2d 3×3, 256→256 at 64×64, padding 1 (implicit im2col route);</li>
 *   <li>{@code patchify}: F.conv2d 14/14, 3→1024 at 336² (CLIP ViT-L/14-336 patch embedding);</li>
 *   <li>{@code dwconv}: F.conv2d depthwise 7×7, 192 channels at 192², padding 3, through {@link F};</li>
 *   <li>{@code attention}: 16 heads × 577 × 64 self-attention, {@link FlashAttention};</li>
 *   <li>{@code attention4096}: 16 heads × 4096 × 64 (SAM global attention);</li>
 *   <li>{@code layernorm}: F.layer_norm over [577, 1024] (GB/s: one read + one write);</li>
 *   <li>{@code gelu}: F.gelu over 4M elements (GB/s: one read + one write).</li>
 * </ul>
 * Timing: warm-up for {@code warmupMillis} (at least 3 calls), then {@code reps} timed calls;
 * {@code ms} is the median, {@code bestMs} the fastest. Inputs are seeded uniform(-1, 1).
 */
public final class OpBench {
    private OpBench() {}

    /** Every op name {@link #run} accepts. */
    public static final String[] OPS = {"conv3x3", "patchify", "dwconv", "attention", "attention4096", "layernorm", "gelu"};

    public record Config(String op, int threads, int warmupMillis, int reps) {
        public Config(String op) {
            this(op, 0, 1000, 15);
        }

        public Config threads(int t) { return new Config(op, t, warmupMillis, reps); }
        public Config warmupMillis(int w) { return new Config(op, threads, w, reps); }
        public Config reps(int r) { return new Config(op, threads, warmupMillis, r); }
    }

    /** One measurement; {@code gflops} or {@code gbps} is NaN (null in JSON) when it does not apply. */
    public record Result(String op, String shape, String detail, int threads, double ms, double bestMs, int reps,
                         double gflops, double gbps) {
        public String toText() {
            String rate = Double.isNaN(gflops) ? String.format(Locale.ROOT, "%.1f GB/s", gbps)
                    : String.format(Locale.ROOT, "%.1f GFLOP/s", gflops);
            return String.format(Locale.ROOT, "%s %s: %.3f ms median (best %.3f, %d reps), %s, %d thread(s) [%s]",
                    op, shape, ms, bestMs, reps, rate, threads, detail);
        }

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"op\":\"%s\",\"shape\":\"%s\",\"detail\":\"%s\",\"threads\":%d,\"ms\":%.4f,\"best_ms\":%.4f,"
                            + "\"reps\":%d,\"gflops\":%s,\"gbps\":%s}",
                    op, shape, detail.replace("\"", "'"), threads, ms, bestMs, reps, num(gflops), num(gbps));
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.2f", v);
        }
    }

    public static Result run(String op, int threads) {
        return run(new Config(op).threads(threads));
    }

    /** Runs one op; threads 0 means the engine default ({@code -Docelli.threads}). */
    public static Result run(Config cfg) {
        WorkerPool pool = WorkerPool.shared();
        int before = pool.threads();
        int threads = cfg.threads() > 0 ? cfg.threads() : before;
        pool.setThreads(threads);   // F's kernels and the shared GEMM use the engine pool's count
        try {
            Bench b = prepare(cfg.op(), threads);
            long end = System.nanoTime() + cfg.warmupMillis() * 1_000_000L;
            for (int calls = 0; calls < 3 || System.nanoTime() < end; calls++) {
                b.body.run();
            }
            double[] ms = new double[Math.max(1, cfg.reps())];
            for (int r = 0; r < ms.length; r++) {
                long s = System.nanoTime();
                b.body.run();
                ms[r] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            double median = ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
            double gflops = b.flops > 0 ? b.flops / (median * 1e6) : Double.NaN;
            double gbps = b.bytes > 0 ? b.bytes / (median * 1e6) : Double.NaN;
            return new Result(cfg.op(), b.shape, b.detail, threads, median, ms[0], ms.length, gflops, gbps);
        } finally {
            pool.setThreads(before);
        }
    }

    /** A prepared workload: the call to time and what one call does. */
    record Bench(String shape, String detail, Runnable body, double flops, double bytes) {}

    static Bench prepare(String op, int threads) {
        SplittableRandom rnd = new SplittableRandom(42);
        return switch (op) {
            case "conv3x3" -> conv(rnd, threads, new ConvShape(1, 256, 64, 64, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1));
            case "patchify" -> conv(rnd, threads, new ConvShape(1, 3, 336, 336, 1024, 14, 14, 14, 14, 0, 0, 1, 1, 1));
            case "dwconv" -> {
                ConvShape s = new ConvShape(1, 192, 192, 192, 192, 7, 7, 1, 1, 3, 3, 1, 1, 192);
                Tensor x = Tensor.of(rand(rnd, 192 * 192 * 192), 1, 192, 192, 192);
                Tensor w = Tensor.of(rand(rnd, 192 * 49), 192, 1, 7, 7);
                Tensor b = Tensor.of(rand(rnd, 192), 192);
                yield new Bench("[1,192,192,192] k7 p3 groups=192", "F.conv2d, route " + Conv2d.route(s, Gemms.get()),
                        () -> F.conv2d(x, w, b, 1, 3, 1, 192), s.flops(), 0);
            }
            case "attention", "attention4096" -> {
                int n = op.equals("attention") ? 577 : 4096, h = 16, d = 64;
                float[] q = rand(rnd, h * n * d), k = rand(rnd, h * n * d), v = rand(rnd, h * n * d), o = new float[h * n * d];
                AttentionDims dims = new AttentionDims(1, h, n, n, d);
                FlashAttention fa = FlashAttention.create(threads);
                float scale = Attention.defaultScale(d);
                yield new Bench("[1," + h + "," + n + "," + d + "]", fa.toString(),
                        () -> fa.forward(HeadView.contiguous(o, 0, h, n, d), HeadView.contiguous(q, 0, h, n, d),
                                HeadView.contiguous(k, 0, h, n, d), HeadView.contiguous(v, 0, h, n, d), null, scale, dims),
                        dims.flops(), 0);
            }
            case "layernorm" -> {
                Tensor x = Tensor.of(rand(rnd, 577 * 1024), 577, 1024);
                Tensor w = Tensor.of(rand(rnd, 1024), 1024), b = Tensor.of(rand(rnd, 1024), 1024);
                yield new Bench("[577,1024]", "F.layerNorm", () -> F.layerNorm(x, w, b, 1e-5f), 0, 8.0 * 577 * 1024);
            }
            case "gelu" -> {
                int n = 4 << 20;
                Tensor x = Tensor.of(rand(rnd, n), n);
                yield new Bench("[" + n + "]", "F.gelu", () -> F.gelu(x), 0, 8.0 * n);
            }
            default -> throw new IllegalArgumentException("unknown op '" + op + "' (" + String.join(", ", OPS) + ")");
        };
    }

    private static Bench conv(SplittableRandom rnd, int threads, ConvShape s) {
        int k = s.cg() * s.kh() * s.kw();
        float[] x = rand(rnd, s.n() * s.c() * s.h() * s.w());
        float[] w = rand(rnd, s.oc() * k), b = rand(rnd, s.oc());
        float[] y = new float[s.n() * s.oc() * s.oh() * s.ow()];
        Gemm gemm = Gemms.create(Gemms.get().name(), threads);
        Conv2d.Route route = Conv2d.route(s, gemm);
        Operand wo = Operand.rowMajor(w, 0, k);
        String shape = "[" + s.n() + "," + s.c() + "," + s.h() + "," + s.w() + "] -> " + s.oc() + " k" + s.kh() + "x" + s.kw()
                + " s" + s.sh() + " p" + s.ph();
        return new Bench(shape, "route " + route + ", gemm " + gemm.name(),
                () -> Conv2d.conv2d(y, 0, x, 0, wo, b, 0, s, gemm, route), s.flops(), 0);
    }

    private static float[] rand(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    /** {@code <op> [--threads T] [--reps R] [--warmup MS] [--json]}; op "all" runs every op. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: OpBench <" + String.join("|", OPS) + "|all> [--threads T] [--reps R] [--warmup MS] [--json]");
            System.exit(2);
        }
        Config cfg = new Config(args[0]);
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> cfg = cfg.threads(Integer.parseInt(args[++i]));
                case "--reps" -> cfg = cfg.reps(Integer.parseInt(args[++i]));
                case "--warmup" -> cfg = cfg.warmupMillis(Integer.parseInt(args[++i]));
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--threads --reps --warmup --json)");
            }
        }
        String[] ops = cfg.op().equals("all") ? OPS : new String[] {cfg.op()};
        for (String op : ops) {
            Result r = run(new Config(op, cfg.threads(), cfg.warmupMillis(), cfg.reps()));
            System.out.println(json ? r.toJson() : r.toText());
        }
    }
}
