package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** Times stages of one run (one Recorder per call, so pipelines stay thread-safe). */
final class Recorder {

    private final List<StageTiming> stages = new ArrayList<>();

    Tensor run(String name, double flops, Supplier<Tensor> f) {
        return run(name, flops, f, Tensor::shape);
    }

    <T> T run(String name, double flops, Supplier<T> f, Function<T, long[]> shape) {
        long t0 = System.nanoTime();
        T r = f.get();
        stages.add(new StageTiming(name, shape.apply(r), flops / 1e9, (System.nanoTime() - t0) / 1e6));
        return r;
    }

    List<StageTiming> stages() {
        return stages;
    }
}
