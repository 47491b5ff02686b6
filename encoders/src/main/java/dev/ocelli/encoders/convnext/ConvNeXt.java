package dev.ocelli.encoders.convnext;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.CheckpointException;
import dev.ocelli.encoders.weights.JsonTree;
import dev.ocelli.encoders.weights.LoadReport;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.encoders.weights.SyntheticWeights;
import dev.ocelli.encoders.weights.WeightSource;
import dev.ocelli.kernels.conv.Layouts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ConvNeXt trunk (Liu et al., "A ConvNet for the 2020s", CVPR 2022), as timm's
 * {@code models/convnext.py} builds it and as LLaVA-HR (slow path, {@code convnext_large_mlp}),
 * Mini-Gemini (open_clip {@code convnext_large_d_320}) and EAGLE ({@code convnext_xxlarge}) use it:
 * stem and stages, no head, no final norm.
 *
 * <pre>
 *   x = pixel_values                                   [B, 3, H, W]
 *   x = stem.1(stem.0(x))        conv k4 s4 + LN2d      [B, C0, H/4, W/4]      → "stem"
 *   for S in 0..3:
 *     if S > 0: x = downsample.1(downsample.0(x))    LN2d + conv k2 s2       (halves H, W)
 *     for M: x = blocks.M(x)     see {@link ConvNeXtBlock}
 *                                                     [B, C_S, H/2^(S+2), W/2^(S+2)] → "stages.S"
 * </pre>
 *
 * <p>Differences from timm: none in the math. The trunk runs channels-last throughout (see
 * {@link ConvNeXtBlock} for why); {@link #forward} returns PyTorch-layout [B,C,H,W] views of the
 * channels-last results, and the staged API ({@link #stem}, {@link #stage}) passes channels-last
 * [B,H,W,C] tensors between stages so a caller that injects between stages (LLaVA-HR's
 * MR-Adapter) pays no conversion; {@link #toNchw}/{@link #toNhwc} convert (views, no copy).
 *
 * <p>Loading: the architecture (stages, depths, dims, stem and downsample kernels) is inferred
 * from the keys, the layout (timm / Mini-Gemini names, {@code gamma} or LLaVA-HR's {@code weight}
 * layer scale) detected, the prefix ({@code visual.trunk.}, {@code model.vision_tower_aux.}, …)
 * found by the stem key. eps: explicit, else implied by the checkpoint's config
 * ({@link #impliedEps(Path)}), else by the widths ({@link ConvNeXtConfig#impliedEps}).
 *
 * <p>A loaded model is immutable and safe to share between threads: forward allocates its
 * activations per call and only reads the weights. F32 weights stay memory-mapped, so the
 * {@link WeightSource} must stay open while the model is used.
 */
public final class ConvNeXt {

    public static final List<String> PRESETS = List.of("convnext-large", "convnext-xxlarge");

    private final ConvNeXtConfig config;
    private final PatchConv stemConv;            // stem.0
    private final float[] stemNormW, stemNormB;  // stem.1 (LayerNorm2d)
    private final Stage[] stages;
    private final LoadReport report;
    private final boolean synthetic;

    /** One stage: optional downsample (LN2d + patch conv), then the blocks. */
    private record Stage(float[] normW, float[] normB, PatchConv conv, ConvNeXtBlock[] blocks, int dim) {
    }

    private ConvNeXt(ConvNeXtConfig config, PatchConv stemConv, float[] stemNormW, float[] stemNormB, Stage[] stages,
                     LoadReport report, boolean synthetic) {
        this.config = config;
        this.stemConv = stemConv;
        this.stemNormW = stemNormW;
        this.stemNormB = stemNormB;
        this.stages = stages;
        this.report = report;
        this.synthetic = synthetic;
    }

    // ------------------------------------------------------------------------------- loading

    /**
     * Builds the trunk from a checkpoint: prefix detected by the stem key unless {@code prefix}
     * is given, architecture inferred from the keys, {@code eps} NaN = implied by the widths.
     *
     * @throws CheckpointException with the strict report when keys are missing, mismatched or unexpected
     */
    public static ConvNeXt load(WeightSource source, String prefix, float eps) {
        StateDict root = StateDict.detect(source, prefix, ConvNeXtKeys.ANCHORS.toArray(new String[0]));
        Set<String> rel = new HashSet<>(root.keys());
        ConvNeXtKeys keys = ConvNeXtKeys.detect(rel);
        ConvNeXtConfig cfg;
        try {
            cfg = keys.infer(rel, root::shapeOf, eps);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source.describe() + " (prefix '" + root.prefix() + "'): " + e.getMessage(), e);
        }
        return build(root, keys, cfg, source.isSynthetic());
    }

    /**
     * Builds a trunk of a known shape from a checkpoint (e.g. a preset): keys that do not match
     * {@code cfg} are reported strictly rather than inferred around.
     */
    public static ConvNeXt load(WeightSource source, String prefix, ConvNeXtConfig cfg) {
        StateDict root = StateDict.detect(source, prefix, ConvNeXtKeys.ANCHORS.toArray(new String[0]));
        return build(root, ConvNeXtKeys.detect(new HashSet<>(root.keys())), cfg, source.isSynthetic());
    }

    /** Deterministic synthetic weights (timm key layout, no prefix) of {@code cfg}. */
    public static ConvNeXt synthetic(ConvNeXtConfig cfg, long seed) {
        SyntheticWeights w = SyntheticWeights.generate(parameters(cfg, ConvNeXtKeys.TIMM, ""), seed);
        return build(StateDict.of(w, ""), ConvNeXtKeys.TIMM, cfg, true);
    }

    /**
     * eps implied by the files next to a checkpoint: open_clip's {@code open_clip_config.json}
     * ({@code model_cfg.vision_cfg.timm_model_name}) or a timm hub {@code config.json}
     * ({@code architecture}); 1e-5 when the named model is an XXL, 1e-6 for any other named
     * model, NaN when there is no such config (then the widths decide).
     */
    @SuppressWarnings("unchecked")
    public static float impliedEps(Path fileOrDir) {
        Path dir = Files.isDirectory(fileOrDir) ? fileOrDir : fileOrDir.toAbsolutePath().getParent();
        if (dir == null) {
            return Float.NaN;
        }
        String name = null;
        Path oc = dir.resolve("open_clip_config.json");
        Path hf = dir.resolve("config.json");
        if (Files.isRegularFile(oc)) {
            Map<String, Object> root = JsonTree.read(oc);
            if (root.get("model_cfg") instanceof Map<?, ?> mc && mc.get("vision_cfg") instanceof Map<?, ?> vc
                    && vc.get("timm_model_name") instanceof String s) {
                name = s;
            }
        }
        if (name == null && Files.isRegularFile(hf)) {
            Map<String, Object> root = JsonTree.read(hf);
            if (root.get("architecture") instanceof String s) {
                name = s;
            } else if (root.get("model_name") instanceof String s) {
                name = s;
            }
        }
        return name == null ? Float.NaN : ConvNeXtConfig.impliedEps(name, null);
    }

    /** The parameter list of {@code cfg} (full keys under {@code prefix}), with synthetic-weight inits. */
    public static List<ParamSpec> parameters(ConvNeXtConfig cfg, ConvNeXtKeys keys, String prefix) {
        List<ParamSpec> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes(cfg, keys).entrySet()) {
            String k = e.getKey();
            ParamSpec.Init init;
            if (k.matches(".*\\.blocks\\.\\d+\\." + keys.layerScale())) {
                init = ParamSpec.Init.uniform(0.1f, 0.02f); // layer scale: well above timm's 1e-6 init, like trained values
            } else if (k.endsWith(".bias")) {
                init = ParamSpec.Init.BIAS;
            } else if (e.getValue().length == 1) {
                init = ParamSpec.Init.NORM_WEIGHT;       // LayerNorm weights
            } else if (k.contains(".conv_dw.")) {
                init = ParamSpec.Init.uniform(0f, 0.1f); // 49 taps per channel
            } else {
                init = ParamSpec.Init.WEIGHT;
            }
            out.add(new ParamSpec(prefix + k, e.getValue(), init));
        }
        return out;
    }

    /** Every relative key of {@code cfg} with the shape timm stores it in, in module order. */
    static java.util.LinkedHashMap<String, long[]> shapes(ConvNeXtConfig cfg, ConvNeXtKeys keys) {
        var m = new java.util.LinkedHashMap<String, long[]>();
        long c0 = cfg.dim(0), k = cfg.stemPatch();
        m.put(keys.stem(0, "weight"), new long[] {c0, cfg.inChannels(), k, k});
        m.put(keys.stem(0, "bias"), new long[] {c0});
        m.put(keys.stem(1, "weight"), new long[] {c0});
        m.put(keys.stem(1, "bias"), new long[] {c0});
        for (int s = 0; s < cfg.stages(); s++) {
            long c = cfg.dim(s);
            if (s > 0) {
                long ci = cfg.dim(s - 1), d = cfg.downsample();
                m.put(keys.downsample(s, 0, "weight"), new long[] {ci});
                m.put(keys.downsample(s, 0, "bias"), new long[] {ci});
                m.put(keys.downsample(s, 1, "weight"), new long[] {c, ci, d, d});
                m.put(keys.downsample(s, 1, "bias"), new long[] {c});
            }
            for (int b = 0; b < cfg.depth(s); b++) {
                m.put(keys.block(s, b, "conv_dw.weight"), new long[] {c, 1, ConvNeXtBlock.KERNEL, ConvNeXtBlock.KERNEL});
                m.put(keys.block(s, b, "conv_dw.bias"), new long[] {c});
                m.put(keys.block(s, b, "norm.weight"), new long[] {c});
                m.put(keys.block(s, b, "norm.bias"), new long[] {c});
                m.put(keys.block(s, b, "mlp.fc1.weight"), new long[] {4 * c, c});
                m.put(keys.block(s, b, "mlp.fc1.bias"), new long[] {4 * c});
                m.put(keys.block(s, b, "mlp.fc2.weight"), new long[] {c, 4 * c});
                m.put(keys.block(s, b, "mlp.fc2.bias"), new long[] {c});
                m.put(keys.gamma(s, b), new long[] {c});
            }
        }
        return m;
    }

    private static ConvNeXt build(StateDict sd, ConvNeXtKeys keys, ConvNeXtConfig cfg, boolean synthetic) {
        // take every parameter first (the strict report lists all problems at once), then build
        var shapes = shapes(cfg, keys);
        Map<String, Tensor> w = new java.util.HashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            w.put(e.getKey(), sd.take(e.getKey(), e.getValue()));
        }
        LoadReport report = sd.finish();

        float eps = cfg.eps();
        int c0 = cfg.dim(0), k = cfg.stemPatch();
        PatchConv stem = new PatchConv(cfg.inChannels(), c0, k,
                Nhwc.matrix(w.get(keys.stem(0, "weight")), c0, cfg.inChannels() * k * k),
                Nhwc.vector(w.get(keys.stem(0, "bias"))));
        Stage[] stages = new Stage[cfg.stages()];
        for (int s = 0; s < cfg.stages(); s++) {
            int c = cfg.dim(s);
            float[] nw = null, nb = null;
            PatchConv conv = null;
            if (s > 0) {
                int ci = cfg.dim(s - 1), d = cfg.downsample();
                nw = Nhwc.vector(w.get(keys.downsample(s, 0, "weight")));
                nb = Nhwc.vector(w.get(keys.downsample(s, 0, "bias")));
                conv = new PatchConv(ci, c, d, Nhwc.matrix(w.get(keys.downsample(s, 1, "weight")), c, ci * d * d),
                        Nhwc.vector(w.get(keys.downsample(s, 1, "bias"))));
            }
            ConvNeXtBlock[] blocks = new ConvNeXtBlock[cfg.depth(s)];
            for (int b = 0; b < blocks.length; b++) {
                float[] dw = Nhwc.vector(w.get(keys.block(s, b, "conv_dw.weight")));
                float[] dwHwc = new float[dw.length];
                Layouts.depthwiseWeightToHwc(dwHwc, 0, dw, 0, c, ConvNeXtBlock.KERNEL, ConvNeXtBlock.KERNEL);
                blocks[b] = new ConvNeXtBlock(c, dwHwc, Nhwc.vector(w.get(keys.block(s, b, "conv_dw.bias"))),
                        Nhwc.vector(w.get(keys.block(s, b, "norm.weight"))), Nhwc.vector(w.get(keys.block(s, b, "norm.bias"))),
                        Nhwc.matrix(w.get(keys.block(s, b, "mlp.fc1.weight")), 4 * c, c),
                        Nhwc.vector(w.get(keys.block(s, b, "mlp.fc1.bias"))),
                        Nhwc.matrix(w.get(keys.block(s, b, "mlp.fc2.weight")), c, 4 * c),
                        Nhwc.vector(w.get(keys.block(s, b, "mlp.fc2.bias"))),
                        Nhwc.vector(w.get(keys.gamma(s, b))), eps);
            }
            stages[s] = new Stage(nw, nb, conv, blocks, c);
        }
        return new ConvNeXt(cfg, stem, Nhwc.vector(w.get(keys.stem(1, "weight"))), Nhwc.vector(w.get(keys.stem(1, "bias"))),
                stages, report, synthetic);
    }

    // ------------------------------------------------------------------------------- forward

    public ConvNeXtConfig config() {
        return config;
    }

    /** What loading found (skipped keys, prefix); never has problems (those throw). */
    public LoadReport report() {
        return report;
    }

    /** True when the weights are synthetic. */
    public boolean isSynthetic() {
        return synthetic;
    }

    public int stageCount() {
        return stages.length;
    }

    /** Stem and every stage output, as [B, C, H, W] (PyTorch layout; views of channels-last data). */
    public ConvNeXtFeatures forward(Tensor pixelValues) {
        Tensor x = stem(pixelValues);
        Tensor stemOut = x;
        List<Tensor> outs = new ArrayList<>();
        for (int s = 0; s < stages.length; s++) {
            x = stage(s, x);
            outs.add(toNchw(x));
        }
        return new ConvNeXtFeatures(toNchw(stemOut), outs);
    }

    /** Stem: pixel_values [B, 3, H, W] → [B, H/4, W/4, C0] channels-last. */
    public Tensor stem(Tensor pixelValues) {
        long[] sh = pixelValues.shape();
        if (sh.length != 4 || sh[1] != config.inChannels()) {
            throw new ShapeException("ConvNeXt expects pixel_values [B, " + config.inChannels() + ", H, W], got "
                    + Shapes.str(sh));
        }
        int b = (int) sh[0], h = (int) sh[2], w = (int) sh[3];
        int k = config.stemPatch();
        if (h < k || w < k) {
            throw new ShapeException("ConvNeXt: image " + h + "x" + w + " is smaller than the " + k + "x" + k + " stem patch");
        }
        float[] x = Nhwc.dense(pixelValues);
        float[] out = stemConv.forward(x, b, h, w, true);
        int oh = PatchConv.outSize(h, k), ow = PatchConv.outSize(w, k), c = config.dim(0);
        Nhwc.layerNorm(out, out, stemNormW, stemNormB, b * oh * ow, c, config.eps());
        return Tensor.of(out, b, oh, ow, c);
    }

    /**
     * Stage {@code s}: [B, H, W, C_{s−1}] (or the stem output, C0, for s = 0) channels-last →
     * [B, H', W', C_s] channels-last (H' = H/2 for s > 0). The input is not modified.
     */
    public Tensor stage(int s, Tensor x) {
        if (s < 0 || s >= stages.length) {
            throw new IndexOutOfBoundsException("ConvNeXt stage " + s + " of " + stages.length);
        }
        Stage st = stages[s];
        long[] sh = x.shape();
        int cin = s == 0 ? config.dim(0) : config.dim(s - 1);
        if (sh.length != 4 || sh[3] != cin) {
            throw new ShapeException("ConvNeXt stage " + s + " expects channels-last [B, H, W, " + cin + "], got "
                    + Shapes.str(sh));
        }
        int b = (int) sh[0], h = (int) sh[1], w = (int) sh[2];
        float[] a;
        if (st.conv == null) {
            a = x.toFloatArray(); // a fresh copy: the blocks update it in place
        } else {
            if (h < st.conv.k || w < st.conv.k) {
                throw new ShapeException("ConvNeXt stage " + s + ": grid " + h + "x" + w + " is smaller than the "
                        + st.conv.k + "x" + st.conv.k + " downsample");
            }
            float[] in = Nhwc.dense(x);
            float[] normed = new float[in.length];
            Nhwc.layerNorm(normed, in, st.normW, st.normB, b * h * w, cin, config.eps());
            a = st.conv.forward(normed, b, h, w, false);
            h = PatchConv.outSize(h, st.conv.k);
            w = PatchConv.outSize(w, st.conv.k);
        }
        ConvNeXtBlock.Scratch scratch = st.blocks.length == 0 ? null
                : new ConvNeXtBlock.Scratch(Nhwc.checkedInt((long) b * h * w, "block rows"), st.dim);
        for (ConvNeXtBlock blk : st.blocks) {
            blk.forward(a, b, h, w, scratch);
        }
        return Tensor.of(a, b, h, w, st.dim);
    }

    /** [B, H, W, C] → [B, C, H, W] view (no copy). */
    public static Tensor toNchw(Tensor nhwc) {
        return nhwc.permute(0, 3, 1, 2);
    }

    /** [B, C, H, W] → [B, H, W, C] view (no copy; {@link #stage} makes it dense when it needs to). */
    public static Tensor toNhwc(Tensor nchw) {
        return nchw.permute(0, 2, 3, 1);
    }

    @Override
    public String toString() {
        return config + (synthetic ? " (synthetic weights)" : "");
    }
}
