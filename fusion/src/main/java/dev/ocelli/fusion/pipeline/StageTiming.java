package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Shapes;

/**
 * One stage of a pipeline run (or of a shape-only {@link FusionPipeline#plan}).
 *
 * @param name   e.g. "clip", "convnext", "patch-info-mining", "projector"
 * @param shape  the stage's output shape
 * @param gflop  multiply-add work of the stage, 2 FLOPs per MAC (norms and activations left out)
 * @param millis wall time; NaN in a plan
 */
public record StageTiming(String name, long[] shape, double gflop, double millis) {

    public StageTiming {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Achieved GFLOP/s (NaN in a plan or for a stage that took no measurable time). */
    public double gflopPerSecond() {
        return millis > 0 ? gflop / (millis / 1e3) : Double.NaN;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%-20s %-22s %9.2f GFLOP %9.1f ms", name, Shapes.str(shape), gflop,
                millis);
    }
}
