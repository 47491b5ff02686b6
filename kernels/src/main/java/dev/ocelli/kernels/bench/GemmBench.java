package dev.ocelli.kernels.bench;

import dev.ocelli.kernels.gemm.Gemm;
import dev.ocelli.kernels.gemm.Gemms;
import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.parallel.WorkerPool;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Quick GEMM timing outside JMH, behind {@code ocelli bench gemm}: warm-up, repeated timing,
 * the median, GFLOP/s and the fraction of the FMA ceiling probed on the same threads.
 *
 * <pre>{@code
 * GemmBench.Result r = GemmBench.run(new GemmBench.Config(1024, 1024, 1024).threads(2).backend("vector"));
 * System.out.println(json ? r.toJson() : r.toText());
 * }</pre>
 * JMH ({@code jmh/target/benchmarks.jar}, GemmBenchmark) is the reference for published figures;
 * this runner is for quick checks and tuning.
 */
public final class GemmBench {
    private GemmBench() {}

    /**
     * What to time. {@code transB}: B is a row-major (n, k) weight used as Bᵀ, the Linear form.
     * {@code backend}: auto, vector, jblas or scalar. {@code threads} 0 = engine default.
     */
    public record Config(int m, int n, int k, int threads, String backend, boolean transB,
                         int warmupMillis, int reps, boolean probePeak) {
        public Config(int m, int n, int k) {
            this(m, n, k, 0, "auto", false, 3000, 9, true);
        }

        public Config threads(int t) { return new Config(m, n, k, t, backend, transB, warmupMillis, reps, probePeak); }
        public Config backend(String b) { return new Config(m, n, k, threads, b, transB, warmupMillis, reps, probePeak); }
        public Config transB(boolean t) { return new Config(m, n, k, threads, backend, t, warmupMillis, reps, probePeak); }
        public Config warmupMillis(int w) { return new Config(m, n, k, threads, backend, transB, w, reps, probePeak); }
        public Config reps(int r) { return new Config(m, n, k, threads, backend, transB, warmupMillis, r, probePeak); }
        public Config probePeak(boolean p) { return new Config(m, n, k, threads, backend, transB, warmupMillis, reps, p); }
    }

    /**
     * One measurement. {@code peakGflops} and {@code peakFraction} are NaN when the probe was
     * skipped. {@code callerCpuMs}: median CPU time of the calling thread per call; with one
     * thread it shows the kernel's speed even when other processes share the cores.
     */
    public record Result(int m, int n, int k, String backend, String detail, int threads, boolean transB,
                         double medianMs, double minMs, int reps, double gflops, double peakGflops, double peakFraction,
                         double callerCpuMs) {

        public String toText() {
            return String.format(Locale.ROOT, "gemm %dx%dx%d%s backend=%s threads=%d: median %.3f ms (min %.3f, %d reps)"
                            + " %.1f GFLOP/s%s", m, n, k, transB ? " (B transposed)" : "", backend, threads, medianMs, minMs, reps,
                    gflops, Double.isNaN(peakGflops) ? "" : String.format(Locale.ROOT,
                            ", FMA peak %.1f GFLOP/s, %.1f%% of peak", peakGflops, 100 * peakFraction))
                    + (threads == 1 ? String.format(Locale.ROOT, " [caller CPU time %.3f ms = %.1f GFLOP/s per busy core]",
                    callerCpuMs, 2.0 * m * n * k / (callerCpuMs * 1e6)) : "");
        }

        /** One JSON object: gflops, peak_gflops, peak_fraction, backend, threads, m, n, k, ms, … */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"m\":%d,\"n\":%d,\"k\":%d,\"trans_b\":%s,\"backend\":\"%s\",\"detail\":\"%s\","
                            + "\"threads\":%d,\"ms\":%.4f,\"min_ms\":%.4f,\"reps\":%d,\"gflops\":%.2f,\"peak_gflops\":%s,\"peak_fraction\":%s}",
                    m, n, k, transB, backend, detail.replace("\"", "'"), threads, medianMs, minMs, reps, gflops,
                    num(peakGflops, "%.2f"), num(peakFraction, "%.4f"));
        }

        private static String num(double v, String fmt) {
            return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, fmt, v);
        }
    }

    /** Runs the configured measurement. */
    public static Result run(Config cfg) {
        int threads = cfg.threads() > 0 ? cfg.threads() : WorkerPool.shared().threads();
        Gemm gemm = cfg.backend().equalsIgnoreCase("auto") ? Gemms.create(Gemms.get().name(), threads)
                : Gemms.create(cfg.backend(), threads);
        int m = cfg.m(), n = cfg.n(), k = cfg.k();
        SplittableRandom rnd = new SplittableRandom(42);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
        Operand oa = Operand.rowMajor(a, 0, k);
        Operand ob = cfg.transB() ? Operand.rowMajor(b, 0, k).t() : Operand.rowMajor(b, 0, n);
        // warm-up: at least 3 calls and warmupMillis; C2 needs a few seconds for the microkernel
        // (C1 cannot compile its 24 live vectors, so until C2 is done it runs interpreted)
        long end = System.nanoTime() + cfg.warmupMillis() * 1_000_000L;
        int calls = 0;
        while (calls < 3 || System.nanoTime() < end) {
            gemm.gemm(c, 0, n, oa, ob, m, n, k);
            calls++;
        }
        double[] ms = new double[Math.max(1, cfg.reps())];
        double[] cpu = new double[ms.length];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < ms.length; r++) {
            long s = System.nanoTime();
            long cs = mx.getCurrentThreadCpuTime();
            gemm.gemm(c, 0, n, oa, ob, m, n, k);
            cpu[r] = (mx.getCurrentThreadCpuTime() - cs) / 1e6;
            ms[r] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        double median = ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
        double gflops = 2.0 * m * n * k / (median * 1e6);
        double peak = cfg.probePeak() ? FmaProbe.peakGflops(threads, 5, 200) : Double.NaN;
        String detail = gemm instanceof dev.ocelli.kernels.gemm.VectorGemm v ? v.describe() : gemm.name();
        return new Result(m, n, k, gemm.name(), detail, threads, cfg.transB(), median, ms[0], ms.length, gflops, peak, gflops / peak,
                cpu[cpu.length / 2]);
    }

    /** {@code --m M --n N --k K [--threads T] [--backend B] [--bt] [--reps R] [--warmup-ms W] [--no-peak] [--json]} */
    public static void main(String[] args) {
        int m = 1024, n = 1024, k = 1024;
        Config cfg = new Config(m, n, k);
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--m" -> cfg = new Config(Integer.parseInt(args[++i]), cfg.n(), cfg.k(), cfg.threads(), cfg.backend(), cfg.transB(), cfg.warmupMillis(), cfg.reps(), cfg.probePeak());
                case "--n" -> cfg = new Config(cfg.m(), Integer.parseInt(args[++i]), cfg.k(), cfg.threads(), cfg.backend(), cfg.transB(), cfg.warmupMillis(), cfg.reps(), cfg.probePeak());
                case "--k" -> cfg = new Config(cfg.m(), cfg.n(), Integer.parseInt(args[++i]), cfg.threads(), cfg.backend(), cfg.transB(), cfg.warmupMillis(), cfg.reps(), cfg.probePeak());
                case "--threads" -> cfg = cfg.threads(Integer.parseInt(args[++i]));
                case "--backend" -> cfg = cfg.backend(args[++i]);
                case "--bt" -> cfg = cfg.transB(true);
                case "--reps" -> cfg = cfg.reps(Integer.parseInt(args[++i]));
                case "--warmup-ms" -> cfg = cfg.warmupMillis(Integer.parseInt(args[++i]));
                case "--no-peak" -> cfg = cfg.probePeak(false);
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--m --n --k --threads --backend --bt --reps --warmup-ms --no-peak --json)");
            }
        }
        Result r = run(cfg);
        System.out.println(json ? r.toJson() : r.toText());
    }
}
