package dev.ocelli.kernels.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The runner behind {@code ocelli bench}: JSON fields the CLI contract names, and errors for unknown ops. */
class OpBenchTest {

    @Test
    void jsonHasMsRateAndThreads() {
        OpBench.Result r = OpBench.run(new OpBench.Config("gelu").threads(1).warmupMillis(0).reps(1));
        assertThat(r.threads()).isEqualTo(1);
        assertThat(r.ms()).isPositive();
        assertThat(r.gbps()).isPositive();
        assertThat(r.gflops()).isNaN();
        assertThat(r.toJson()).startsWith("{\"op\":\"gelu\"").contains("\"threads\":1", "\"ms\":", "\"gbps\":",
                "\"gflops\":null").endsWith("}");
        OpBench.Result c = new OpBench.Result("conv3x3", "s", "d \"q\"", 2, 1.5, 1.25, 3, 12.5, Double.NaN);
        assertThat(c.toJson()).isEqualTo("{\"op\":\"conv3x3\",\"shape\":\"s\",\"detail\":\"d 'q'\",\"threads\":2,"
                + "\"ms\":1.5000,\"best_ms\":1.2500,\"reps\":3,\"gflops\":12.50,\"gbps\":null}");
    }

    @Test
    void unknownOpNamesTheChoices() {
        assertThatThrownBy(() -> OpBench.run("conv5x5", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv5x5").hasMessageContaining("conv3x3, patchify, dwconv");
    }
}
