package dev.ocelli.cli;

import dev.ocelli.kernels.bench.GemmBench;
import dev.ocelli.kernels.bench.OpBench;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ocelli bench}: quick timings of the same kernels and shapes the JMH benchmarks measure,
 * outside JMH. {@code gemm} takes any M×N×K and reports GFLOP/s beside a freshly probed FMA peak;
 * the named operations use the shapes of issue 4 (see {@link OpBench}). For figures that go into
 * the performance docs, use the JMH benchmarks in {@code jmh/target/benchmarks.jar}.
 */
@Command(name = "bench",
        description = "Time a kernel outside JMH: gemm (--m --n --k) or one of "
                + "conv3x3, patchify, dwconv, attention, attention4096, layernorm, gelu.")
public final class BenchCommand extends OcelliCommand {

    @Parameters(index = "0", paramLabel = "KERNEL", description = "gemm, conv3x3, patchify, dwconv, attention, "
            + "attention4096, layernorm or gelu")
    String kernel;

    @Option(names = "--m", description = "GEMM rows of A and C (default ${DEFAULT-VALUE}).", defaultValue = "1024")
    int m;

    @Option(names = "--n", description = "GEMM columns of B and C (default ${DEFAULT-VALUE}).", defaultValue = "1024")
    int n;

    @Option(names = "--k", description = "GEMM inner dimension (default ${DEFAULT-VALUE}).", defaultValue = "1024")
    int k;

    @Option(names = "--backend", description = "GEMM backend: auto, vector, jblas or scalar (default ${DEFAULT-VALUE}).",
            defaultValue = "auto")
    String backend;

    @Option(names = "--trans-b", description = "GEMM with B stored [N,K] and used transposed (the Linear form).")
    boolean transB;

    @Option(names = "--threads", description = "Threads (default: -Docelli.threads or all cores).")
    Integer threads;

    @Option(names = "--reps", description = "Timed repetitions (default ${DEFAULT-VALUE}).", defaultValue = "9")
    int reps;

    @Option(names = "--warmup-ms", description = "Warm-up time before timing, so the JIT has compiled the "
            + "kernels (default ${DEFAULT-VALUE}).", defaultValue = "3000")
    int warmupMillis;

    @Option(names = "--no-peak", description = "gemm: skip the FMA peak probe (peak_gflops is then null).")
    boolean noPeak;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        if (reps < 1) {
            throw new CliException("--reps must be at least 1, got " + reps);
        }
        if (warmupMillis < 0) {
            throw new CliException("--warmup-ms must not be negative, got " + warmupMillis);
        }
        if (threads != null && threads < 1) {
            throw new CliException("--threads must be at least 1, got " + threads);
        }
        int t = threads == null ? 0 : threads;
        PrintWriter out = out();
        String what = kernel.toLowerCase(Locale.ROOT);
        if (what.equals("gemm")) {
            if (m < 1 || n < 1 || k < 1) {
                throw new CliException("gemm sizes must be positive, got --m " + m + " --n " + n + " --k " + k);
            }
            if (!Arrays.asList("auto", "vector", "jblas", "scalar").contains(backend.toLowerCase(Locale.ROOT))) {
                throw new CliException("unknown --backend '" + backend + "'; use auto, vector, jblas or scalar");
            }
            GemmBench.Result r = GemmBench.run(new GemmBench.Config(m, n, k)
                    .threads(t).backend(backend.toLowerCase(Locale.ROOT)).transB(transB).reps(reps)
                    .warmupMillis(warmupMillis).probePeak(!noPeak));
            out.println(json ? r.toJson() : r.toText());
            return Main.EXIT_OK;
        }
        if (!Arrays.asList(OpBench.OPS).contains(what)) {
            throw new CliException("unknown kernel '" + kernel + "'; use gemm or one of " + String.join(", ", OpBench.OPS));
        }
        OpBench.Result r = OpBench.run(new OpBench.Config(what).threads(t).reps(reps).warmupMillis(warmupMillis));
        out.println(json ? r.toJson() : r.toText());
        return Main.EXIT_OK;
    }
}
