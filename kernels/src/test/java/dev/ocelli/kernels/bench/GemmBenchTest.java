package dev.ocelli.kernels.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GemmBenchTest {

    @Test
    void jsonHasTheRequiredFields() {
        GemmBench.Result r = GemmBench.run(new GemmBench.Config(64, 48, 32).threads(1).backend("vector")
                .warmupMillis(10).reps(3));
        String json = r.toJson();
        assertThat(json).startsWith("{").endsWith("}")
                .contains("\"gflops\":", "\"peak_gflops\":", "\"peak_fraction\":", "\"backend\":\"vector\"", "\"threads\":1",
                        "\"m\":64", "\"n\":48", "\"k\":32", "\"ms\":");
        assertThat(r.gflops()).isPositive();
        assertThat(r.peakGflops()).isPositive();
        assertThat(r.peakFraction()).isEqualTo(r.gflops() / r.peakGflops());
        assertThat(r.toText()).contains("GFLOP/s", "of peak");
    }

    @Test
    void skippingTheProbeGivesNullPeak() {
        GemmBench.Result r = GemmBench.run(new GemmBench.Config(8, 8, 8).backend("scalar").threads(1)
                .warmupMillis(1).reps(1).probePeak(false));
        assertThat(r.toJson()).contains("\"peak_gflops\":null", "\"backend\":\"scalar\"");
    }
}
