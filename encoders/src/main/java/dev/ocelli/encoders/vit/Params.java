package dev.ocelli.encoders.vit;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import java.util.List;

/** Small helpers shared by the ViT modules: parameter reads and the parameter list for synthetic weights. */
final class Params {

    private Params() {
    }

    /**
     * A small parameter (bias, norm weight, table) as a heap F32 tensor: these are read whole by
     * every call, so a private copy saves a conversion per forward. Matrices stay mapped.
     */
    static Tensor small(StateDict sd, String key, long... shape) {
        Tensor t = sd.take(key, shape);
        return Tensor.of(t.toFloatArray(), shape);
    }

    static Tensor smallOptional(StateDict sd, String key, boolean present, long... shape) {
        return present ? small(sd, key, shape) : null;
    }

    static float[] floats(StateDict sd, String key, long... shape) {
        return sd.take(key, shape).toFloatArray();
    }

    /** Appends a Linear's weight [out, in] and bias [out] specs. */
    static void linear(List<ParamSpec> out, String key, long outF, long inF, boolean bias) {
        out.add(new ParamSpec(key + ".weight", new long[] {outF, inF}, ParamSpec.Init.WEIGHT));
        if (bias) {
            out.add(new ParamSpec(key + ".bias", new long[] {outF}, ParamSpec.Init.BIAS));
        }
    }

    static void norm(List<ParamSpec> out, String key, long dim) {
        out.add(new ParamSpec(key + ".weight", new long[] {dim}, ParamSpec.Init.NORM_WEIGHT));
        out.add(new ParamSpec(key + ".bias", new long[] {dim}, ParamSpec.Init.BIAS));
    }
}
