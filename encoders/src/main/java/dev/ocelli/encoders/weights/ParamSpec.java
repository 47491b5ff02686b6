package dev.ocelli.encoders.weights;

import dev.ocelli.core.Shapes;

/**
 * One parameter a model has: its full key, shape and how synthetic weights fill it.
 * Models list these ({@code parameters(config)}) so {@link SyntheticWeights} can build a complete
 * state dict at any preset without a checkpoint.
 */
public record ParamSpec(String name, long[] shape, Init init) {

    /**
     * Fill values: uniform with this mean and standard deviation (U(mean − √3·std, mean + √3·std)),
     * cheap to draw and bounded, so activations stay finite through deep stacks.
     */
    public record Init(float mean, float std) {
        /** Weights of Linear/conv layers: ViT-style N(0, 0.02)-like. */
        public static final Init WEIGHT = new Init(0f, 0.02f);
        /** Biases: small, non-zero so a dropped bias shows up in tests. */
        public static final Init BIAS = new Init(0f, 0.01f);
        /** LayerNorm weights: around 1. */
        public static final Init NORM_WEIGHT = new Init(1f, 0.02f);
        /** Position and class embeddings. */
        public static final Init EMBEDDING = new Init(0f, 0.02f);

        public static Init uniform(float mean, float std) {
            return new Init(mean, std);
        }

        public static Init constant(float value) {
            return new Init(value, 0f);
        }
    }

    public ParamSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return Shapes.numel(shape);
    }

    @Override
    public String toString() {
        return name + " " + Shapes.str(shape) + " " + init;
    }
}
