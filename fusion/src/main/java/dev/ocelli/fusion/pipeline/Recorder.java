package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Times stages of one run (one Recorder per call, so pipelines stay thread-safe) and reports them
 * to the call's {@link ProgressListener} as units of the {@code "encode"} phase.
 */
final class Recorder {

    private final List<StageTiming> stages = new ArrayList<>();
    private final Steps steps;

    Recorder() {
        this(ProgressListener.NONE, 0);
    }

    /** {@code units}: how many units the run will report (its stages, LEO's tiles counted one by one). */
    Recorder(ProgressListener progress, long units) {
        this.steps = new Steps(progress, "encode", units);
    }

    Tensor run(String name, double flops, Supplier<Tensor> f) {
        return run(name, flops, f, Tensor::shape);
    }

    <T> T run(String name, double flops, Supplier<T> f, Function<T, long[]> shape) {
        steps.begin(name);
        long t0 = System.nanoTime();
        T r = f.get();
        stages.add(new StageTiming(name, shape.apply(r), flops / 1e9, (System.nanoTime() - t0) / 1e6));
        steps.end(name);
        return r;
    }

    /**
     * One stage made of {@code tiles} independent runs, concatenated along dim 0; each tile is a
     * unit of progress ("sam tile 3/7") and the stage is timed as a whole.
     */
    Tensor runTiles(String name, double flops, int tiles, IntFunction<Tensor> tile) {
        long t0 = System.nanoTime();
        List<Tensor> outs = new ArrayList<>(tiles);
        for (int i = 0; i < tiles; i++) {
            String step = name + " tile " + (i + 1) + "/" + tiles;
            steps.begin(step);
            outs.add(tile.apply(i));
            steps.end(step);
        }
        Tensor r = Tensor.concat(0, outs);
        stages.add(new StageTiming(name, r.shape(), flops / 1e9, (System.nanoTime() - t0) / 1e6));
        return r;
    }

    List<StageTiming> stages() {
        return stages;
    }
}
