package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline hands to its LLM.
 *
 * @param tokens visual tokens [tokens, llmHidden]
 * @param stages per-stage shapes, GFLOP and times, in execution order
 * @param info   pipeline facts worth recording, e.g. LEO's {@code tiles}, {@code grid}
 */
public record PipelineResult(Tensor tokens, List<StageTiming> stages, Map<String, String> info) {

    public PipelineResult {
        stages = List.copyOf(stages);
        info = Map.copyOf(info);
    }

    public int tokenCount() {
        return (int) tokens.size(0);
    }

    /** The tokens as a fresh row-major float[] (tokens × hidden). */
    public float[] tokensAsArray() {
        return tokens.toFloatArray();
    }

    public double totalMillis() {
        return stages.stream().mapToDouble(StageTiming::millis).sum();
    }

    public double totalGflop() {
        return stages.stream().mapToDouble(StageTiming::gflop).sum();
    }
}
