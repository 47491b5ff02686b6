package dev.ocelli.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ocelli bench}: output shape and argument errors (timings themselves belong in JMH). */
class BenchCommandTest {

    @Test
    void gemmJsonHasTheDocumentedFields() {
        CliRunner r = CliRunner.run("bench", "gemm", "--m", "33", "--n", "17", "--k", "40", "--threads", "1",
                "--reps", "2", "--warmup-ms", "0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        String json = r.out().strip();
        assertThat(json).startsWith("{").endsWith("}");
        for (String field : new String[] {"\"gflops\":", "\"peak_gflops\":", "\"peak_fraction\":", "\"backend\":",
                "\"threads\":1", "\"m\":33", "\"n\":17", "\"k\":40"}) {
            assertThat(json).contains(field);
        }
    }

    @Test
    void gemmTextNamesTheBackend() {
        CliRunner r = CliRunner.run("bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--backend", "scalar",
                "--reps", "1", "--warmup-ms", "0", "--no-peak");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("backend=scalar").contains("GFLOP/s");
    }

    @Test
    void namedOperationPrintsMsAndThreads() {
        CliRunner r = CliRunner.run("bench", "layernorm", "--threads", "1", "--reps", "1", "--warmup-ms", "0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"ms\":").contains("\"threads\":1");
    }

    @Test
    void unknownKernelAndBadSizesAreOneLineErrors() {
        CliRunner r = CliRunner.run("bench", "fft");
        assertThat(r.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip().lines()).hasSize(1).first().asString().startsWith("ocelli: unknown kernel 'fft'");

        CliRunner s = CliRunner.run("bench", "gemm", "--m", "0");
        assertThat(s.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(s.err()).contains("gemm sizes must be positive");

        CliRunner b = CliRunner.run("bench", "gemm", "--backend", "cuda");
        assertThat(b.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(b.err()).contains("unknown --backend 'cuda'");
    }
}
