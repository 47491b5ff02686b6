package dev.ocelli.encoders.weights;

import dev.ocelli.core.DType;
import dev.ocelli.core.Layout;
import dev.ocelli.core.OcelliException;
import dev.ocelli.core.Storage;
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

    /**
     * Parameters are packed into shared slabs of up to {@link #SLAB} floats rather than one array
     * each. A heap array of a power-of-two size (a 1024×1024 or 4096×1024 weight) is a G1
     * humongous object that needs its 16-byte header in one more region, so with one array per
     * weight a ViT-L's 1.2 GB took 1.7 GB of heap; in slabs the padding is at most one region per
     * slab. Each tensor is a contiguous view at a 16-float-aligned offset, as a memory-mapped
     * checkpoint's tensors are views into the file; the values are the same.
     */
    static final int SLAB = 1 << 26; // 256 MB of floats

    /** Fills every parameter of {@code params}. */
    public static SyntheticWeights generate(List<ParamSpec> params, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int n = params.size();
        float[][] arrays = new float[n][];
        int[] offsets = new int[n];
        // lay the parameters out in slabs: first fit in order, a parameter bigger than a slab alone
        List<Integer> pending = new java.util.ArrayList<>();
        long used = 0;
        for (int pi = 0; pi < n; pi++) {
            ParamSpec p = params.get(pi);
            long numel = p.numel();
            if (numel > Integer.MAX_VALUE - 8) {
                throw new OcelliException("synthetic weight " + p.name() + " has " + numel + " elements, too many for one array");
            }
            if (out.containsKey(p.name())) {
                throw new OcelliException("parameter list names " + p.name() + " twice");
            }
            out.put(p.name(), null); // reserve the name in order; filled below
            if (numel > SLAB) {
                arrays[pi] = new float[(int) numel];
                continue;
            }
            long start = (used + 15) & ~15L;
            if (start + numel > SLAB) {
                closeSlab(pending, used, arrays);
                start = 0;
            }
            offsets[pi] = (int) start;
            used = start + numel;
            pending.add(pi);
        }
        closeSlab(pending, used, arrays);
        java.util.IdentityHashMap<float[], Storage> storages = new java.util.IdentityHashMap<>();
        for (int pi = 0; pi < n; pi++) {
            ParamSpec p = params.get(pi);
            Storage st = storages.computeIfAbsent(arrays[pi], Storage::ofFloats);
            Layout contiguous = Layout.contiguous(p.shape());
            out.put(p.name(), Tensor.wrap(st, new Layout(contiguous.shape(), contiguous.strides(), offsets[pi])));
        }
        // task t -> (parameter, chunk)
        int chunks = 0;
        for (ParamSpec p : params) {
            chunks += (int) ((p.numel() + CHUNK - 1) / CHUNK);
        }
        int[] taskParam = new int[chunks];
        int[] taskChunk = new int[chunks];
        for (int pi = 0, t = 0; pi < n; pi++) {
            int nc = (int) ((params.get(pi).numel() + CHUNK - 1) / CHUNK);
            for (int c = 0; c < nc; c++, t++) {
                taskParam[t] = pi;
                taskChunk[t] = c;
            }
        }
        WorkerPool.shared().run(chunks, t -> {
            int pi = taskParam[t];
            ParamSpec p = params.get(pi);
            int from = taskChunk[t] * CHUNK;
            int to = (int) Math.min(p.numel(), from + (long) CHUNK);
            fill(arrays[pi], offsets[pi], from, to, seed ^ fnv1a(p.name()), p.init());
        });
        return new SyntheticWeights(seed, Collections.unmodifiableMap(out));
    }

    /** One array for the parameters in {@code pending}, {@code size} floats. */
    private static void closeSlab(List<Integer> pending, long size, float[][] arrays) {
        if (pending.isEmpty()) {
            return;
        }
        float[] slab = new float[(int) size];
        for (int pi : pending) {
            arrays[pi] = slab;
        }
        pending.clear();
    }

    static void fill(float[] a, int from, int to, long base, ParamSpec.Init init) {
        fill(a, 0, from, to, base, init);
    }

    /** Elements [from, to) of a parameter whose element 0 is at {@code a[at]}: {@code a[at + i]} = element i. */
    static void fill(float[] a, int at, int from, int to, long base, ParamSpec.Init init) {
        float mean = init.mean();
        if (init.std() == 0f) {
            java.util.Arrays.fill(a, at + from, at + to, mean);
            return;
        }
        float half = (float) (init.std() * Math.sqrt(3.0));
        float scale = 2f * half / (1 << 24);
        // one 64-bit hash feeds two elements: 2j from bits 40..63, 2j+1 from bits 8..31
        int i = from;
        if ((i & 1) != 0) { // odd start (not produced by generate's even chunks, kept for callers)
            a[at + i] = mean - half + (int) ((mix(base + ((i >> 1) + 1L) * GOLDEN) >>> 8) & 0xFFFFFF) * scale;
            i++;
        }
        for (; i + 1 < to; i += 2) {
            long z = mix(base + ((i >> 1) + 1L) * GOLDEN);
            a[at + i] = mean - half + (int) (z >>> 40) * scale;
            a[at + i + 1] = mean - half + (int) ((z >>> 8) & 0xFFFFFF) * scale;
        }
        if (i < to) { // scalar tail
            a[at + i] = mean - half + (int) (mix(base + ((i >> 1) + 1L) * GOLDEN) >>> 40) * scale;
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
