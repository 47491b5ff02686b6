package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The token table at the released resolutions, from the shape-only plan of each
 * full-size pipeline (whose stage shapes the tiny runs check against real execution).
 */
class TokenCountTest {

    @ParameterizedTest
    @CsvSource({
            "mini-gemini,    640, 480, 576",
            "mini-gemini-hd, 640, 480, 2880",
            "llava-hr,       640, 480, 1024",
            "eagle,          640, 480, 1024",
            "leo,            448, 448, 512",     // one tile, no thumbnail
            "leo,            1344, 896, 3584",   // 3x2 grid + thumbnail = 7 tiles
            "leo,            896, 448, 1536",    // 2x1 + thumbnail
    })
    void tokens(String name, int w, int h, long tokens) {
        List<StageTiming> plan = Pipelines.plan(name, 4096, 6, w, h);
        long[] last = plan.get(plan.size() - 1).shape();
        assertThat(last).containsExactly(tokens, 4096);
        assertThat(plan.stream().mapToDouble(StageTiming::gflop).sum()).isGreaterThan(100);
    }
}
