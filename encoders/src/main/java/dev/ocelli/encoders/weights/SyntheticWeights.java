package dev.ocelli.encoders.weights;

import dev.ocelli.core.DType;
import dev.ocelli.core.OcelliException;
import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deterministic synthetic weights for a model's parameter list, for demos and benchmarks
 * without a checkpoint. Element i of tensor "name" is a pure function of (seed, name, i):
 * <pre>
 *   z = splitmix64(seed ^ fnv1a64(name) + (⌊i/2⌋+1)·φ)
 *   u = (i even ? bits 40..63 of z : bits 8..31 of z) / 2^24                     in [0, 1)
 *   w = mean + std·√3·(2u − 1)                                                   uniform, given std
 * </pre>
 * A counter-based hash rather than a sequential RNG, so the tensors fill in parallel chunks on
 * the engine's {@link WorkerPool} and the values do not depend on the thread count, the chunking
 * or the order of the parameter list (ViT-L's 300 M values take well under 2 s on two cores).
 */
public final class SyntheticWeights implements WeightSource {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final int CHUNK = 1 << 18;

    private final long seed;
    private final Map<String, Tensor> tensors;

    private SyntheticWeights(long seed, Map<String, Tensor> tensors) {
        this.seed = seed;
        this.tensors = tensors;
    }

    /** Fills every parameter of {@code params}. */
    public static SyntheticWeights generate(List<ParamSpec> params, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int chunks = 0;
        for (ParamSpec p : params) {
            long n = p.numel();
            if (n > Integer.MAX_VALUE - 8) {
                throw new OcelliException("synthetic weight " + p.name() + " has " + n + " elements, too many for one array");
            }
            if (out.containsKey(p.name())) {
                throw new OcelliException("parameter list names " + p.name() + " twice");
            }
            out.put(p.name(), Tensor.zeros(p.shape()));
            chunks += (int) ((n + CHUNK - 1) / CHUNK);
        }
        // task t -> (parameter, chunk)
        int[] taskParam = new int[chunks];
        int[] taskChunk = new int[chunks];
        Tensor[] dest = out.values().toArray(new Tensor[0]);
        for (int pi = 0, t = 0; pi < params.size(); pi++) {
            int nc = (int) ((params.get(pi).numel() + CHUNK - 1) / CHUNK);
            for (int c = 0; c < nc; c++, t++) {
                taskParam[t] = pi;
                taskChunk[t] = c;
            }
        }
        WorkerPool.shared().run(chunks, t -> {
            ParamSpec p = params.get(taskParam[t]);
            float[] a = dest[taskParam[t]].storage().floatArray();
            int from = taskChunk[t] * CHUNK;
            int to = Math.min(a.length, from + CHUNK);
            fill(a, from, to, seed ^ fnv1a(p.name()), p.init());
        });
        return new SyntheticWeights(seed, Collections.unmodifiableMap(out));
    }

    static void fill(float[] a, int from, int to, long base, ParamSpec.Init init) {
        float mean = init.mean();
        if (init.std() == 0f) {
            java.util.Arrays.fill(a, from, to, mean);
            return;
        }
        float half = (float) (init.std() * Math.sqrt(3.0));
        float scale = 2f * half / (1 << 24);
        // one 64-bit hash feeds two elements: 2j from bits 40..63, 2j+1 from bits 8..31
        int i = from;
        if ((i & 1) != 0) { // odd start (not produced by generate's even chunks, kept for callers)
            a[i] = mean - half + (int) ((mix(base + ((i >> 1) + 1L) * GOLDEN) >>> 8) & 0xFFFFFF) * scale;
            i++;
        }
        for (; i + 1 < to; i += 2) {
            long z = mix(base + ((i >> 1) + 1L) * GOLDEN);
            a[i] = mean - half + (int) (z >>> 40) * scale;
            a[i + 1] = mean - half + (int) ((z >>> 8) & 0xFFFFFF) * scale;
        }
        if (i < to) { // scalar tail
            a[i] = mean - half + (int) (mix(base + ((i >> 1) + 1L) * GOLDEN) >>> 40) * scale;
        }
    }

    /** splitmix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    public long seed() {
        return seed;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        return get(name).shape();
    }

    @Override
    public DType dtype(String name) {
        return DType.F32;
    }

    @Override
    public Tensor tensor(String name) {
        return get(name);
    }

    private Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new OcelliException("synthetic weights have no tensor '" + name + "'");
        }
        return t;
    }

    @Override
    public boolean isSynthetic() {
        return true;
    }

    @Override
    public String describe() {
        return "synthetic weights (seed " + seed + ")";
    }

    @Override
    public void close() {
    }
}
