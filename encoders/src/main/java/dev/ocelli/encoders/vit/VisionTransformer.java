package dev.ocelli.encoders.vit;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.vit.VitConfig.Family;
import dev.ocelli.encoders.weights.CheckpointException;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.encoders.weights.HfConfig;
import dev.ocelli.encoders.weights.LoadReport;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.encoders.weights.SyntheticWeights;
import dev.ocelli.encoders.weights.WeightSource;
import dev.ocelli.kernels.F;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ViT family — CLIP ViT, InternViT and SAM's image encoder — as one implementation driven by
 * a {@link VitConfig}.
 *
 * <p>Follows: HF {@code CLIPVisionTransformer} (Radford et al., arXiv 2103.00020), InternViT-300M's
 * {@code InternVisionModel} (Chen et al., arXiv 2312.14238; OpenGVLab remote code) and HF
 * {@code SamVisionEncoder} (Kirillov et al., arXiv 2304.02643). The per-family differences are listed
 * on {@link VitConfig}; the forward is
 * <pre>
 *   x = embeddings(pixels)              [B, N, C] (SAM: [B, H, W, C])     {@link Embeddings}
 *   x = pre_layrnorm(x)                 CLIP only                          hidden_states[0]
 *   for each layer: x = layer(x)                                           hidden_states[i]   {@link EncoderLayer}
 *   pooled = post_layernorm(x[:, 0])    CLIP only (pooler_output)
 *   image_embeddings = neck(x)          SAM only                           {@link SamNeck}
 * </pre>
 * Beyond HF: any grid (positions resized per {@link VitOptions.PosResize}), CLS dropped before the
 * encoder (LLaVA-HR, EAGLE), and a staged API ({@link #embed}, {@link #runLayers}, {@link #finish})
 * so fusion code can change the tokens between layers.
 *
 * <p>Immutable once loaded and safe to share between threads; each forward allocates its own
 * activations. Weights stay in the checkpoint's mapping, so the {@link WeightSource} must stay open
 * while the model is used.
 */
public final class VisionTransformer {

    private final VitConfig config;
    private final LoadReport report;
    private final WeightSource weights;
    private final Embeddings embeddings;
    private final Tensor preLayrnormWeight, preLayrnormBias;   // CLIP
    private final List<EncoderLayer> layers;
    private final Tensor postLayernormWeight, postLayernormBias; // CLIP
    private final SamNeck neck;                                 // SAM

    private VisionTransformer(VitConfig cfg, WeightSource w, StateDict sd) {
        this.config = cfg;
        this.weights = w;
        this.embeddings = new Embeddings(cfg, sd);
        int c = cfg.hiddenSize();
        if (cfg.family() == Family.CLIP) {
            preLayrnormWeight = Params.small(sd, "pre_layrnorm.weight", c);
            preLayrnormBias = Params.small(sd, "pre_layrnorm.bias", c);
            postLayernormWeight = Params.small(sd, "post_layernorm.weight", c);
            postLayernormBias = Params.small(sd, "post_layernorm.bias", c);
        } else {
            preLayrnormWeight = preLayrnormBias = postLayernormWeight = postLayernormBias = null;
        }
        List<EncoderLayer> ls = new ArrayList<>();
        for (int i = 0; i < cfg.numLayers(); i++) {
            ls.add(new EncoderLayer(cfg, i, sd.child(layerPrefix(cfg) + i + ".")));
        }
        this.layers = List.copyOf(ls);
        this.neck = cfg.family() == Family.SAM && cfg.neck() != VitConfig.Neck.NONE ? new SamNeck(cfg, sd) : null;
        this.report = sd.finish();
    }

    private static String layerPrefix(VitConfig cfg) {
        return cfg.family() == Family.SAM ? "layers." : "encoder.layers.";
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads weights with an explicit architecture.
     *
     * @param prefix the key prefix, or null to detect it
     * @throws CheckpointException listing every missing, unexpected and mismatched key
     */
    public static VisionTransformer load(WeightSource weights, VitConfig cfg, String prefix) {
        StateDict sd = StateDict.detect(weights, prefix, cfg.family().anchor());
        return new VisionTransformer(cfg, weights, sd);
    }

    /**
     * Opens a model directory or file: the architecture from config.json when the directory has
     * a vision model's one (CLIP, InternViT, SAM), else inferred from the keys
     * ({@link VitConfig#infer}; e.g. a LLaVA directory, whose config.json describes the LLM); the
     * family from the config or from which family's keys are present. The returned model keeps
     * the checkpoint open.
     */
    public static VisionTransformer load(Path fileOrDir) {
        return load(fileOrDir, null, null, null);
    }

    /**
     * Like {@link #load(Path)} with overrides (each may be null): the family (when a file holds
     * several towers), the full config, the key prefix.
     */
    public static VisionTransformer load(Path fileOrDir, Family family, VitConfig cfg, String prefix) {
        CheckpointWeights w = CheckpointWeights.open(fileOrDir);
        try {
            VitConfig c = cfg;
            if (c == null && w.configFile() != null) {
                HfConfig hf = HfConfig.readIfVision(w.configFile()); // null: a chat model's config.json
                c = hf == null ? null : VitConfig.fromHf(hf);
            }
            if (c != null && cfg == null) {
                if (family != null && c.family() != family) {
                    throw new CheckpointException(w.configFile() + " describes a " + c.family() + " model, not " + family);
                }
            }
            if (c == null) {
                Family f = family != null ? family : detectFamily(w);
                c = VitConfig.infer(f, StateDict.detect(w, prefix, f.anchor()));
            }
            return load(w, c, prefix);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** The family whose anchor key the checkpoint holds; exactly one must match. */
    static Family detectFamily(WeightSource w) {
        List<Family> found = new ArrayList<>();
        for (Family f : Family.values()) {
            for (String n : w.names()) {
                if (n.equals(f.anchor()) || n.endsWith("." + f.anchor())) {
                    found.add(f);
                    break;
                }
            }
        }
        if (found.size() != 1) {
            throw new CheckpointException(w.describe() + (found.isEmpty()
                    ? ": no CLIP, InternViT or SAM keys found (looked for pre_layrnorm.weight, encoder.layers.0.ls1, patch_embed.projection.weight)"
                    : ": holds several ViT families " + found + "; say which one"));
        }
        return found.get(0);
    }

    /** Every parameter of {@code cfg} with its relative key, shape and synthetic init. */
    public static List<ParamSpec> parameters(VitConfig cfg) {
        List<ParamSpec> out = new ArrayList<>();
        Embeddings.parameters(cfg, out);
        if (cfg.family() == Family.CLIP) {
            Params.norm(out, "pre_layrnorm", cfg.hiddenSize());
        }
        for (int i = 0; i < cfg.numLayers(); i++) {
            EncoderLayer.parameters(cfg, i, layerPrefix(cfg) + i + ".", out);
        }
        if (cfg.family() == Family.CLIP) {
            Params.norm(out, "post_layernorm", cfg.hiddenSize());
        }
        if (cfg.family() == Family.SAM) {
            SamNeck.parameters(cfg, out);
        }
        return out;
    }

    /** Deterministic synthetic weights at {@code cfg} (demo, benchmarks). */
    public static VisionTransformer synthetic(VitConfig cfg, long seed) {
        SyntheticWeights w = SyntheticWeights.generate(parameters(cfg), seed);
        return load(w, cfg, "");
    }

    // ---------------------------------------------------------------- forward

    public VitConfig config() {
        return config;
    }

    /** What loading found (skipped-key notes); problems would have thrown. */
    public LoadReport loadReport() {
        return report;
    }

    public WeightSource weights() {
        return weights;
    }

    public int numLayers() {
        return layers.size();
    }

    /** The whole forward with HF defaults. */
    public VitOutput forward(Tensor pixels) {
        return forward(pixels, VitOptions.defaults());
    }

    public VitOutput forward(Tensor pixels, VitOptions options) {
        return finish(runLayers(embed(pixels, options), 0, layers.size()));
    }

    /** Embeddings (and CLIP's pre_layrnorm): hidden_states[0]. pixels [B, channels, H, W]. */
    public VitState embed(Tensor pixels, VitOptions options) {
        VitState s = embeddings.embed(pixels, options);
        Tensor h = s.hidden();
        if (preLayrnormWeight != null) {
            h = F.layerNorm(h, preLayrnormWeight, preLayrnormBias, config.layerNormEps());
        }
        List<Tensor> hs = options.keepHiddenStates() ? List.of(h) : List.of();
        return new VitState(h, s.gridH(), s.gridW(), s.hasCls(), 0, hs, options);
    }

    /** Runs layers [from, to) on {@code state}, which must have done exactly {@code from} layers. */
    public VitState runLayers(VitState state, int from, int to) {
        if (from != state.layersDone() || from < 0 || to < from || to > layers.size()) {
            throw new IllegalArgumentException("cannot run layers [" + from + ", " + to + ") on a state after "
                    + state.layersDone() + " of " + layers.size() + " layers");
        }
        VitState s = state;
        for (int i = from; i < to; i++) {
            s = s.next(layers.get(i).forward(s.hidden(), s.gridH(), s.gridW()));
        }
        return s;
    }

    /** After the last layer: CLIP's pooled CLS, SAM's neck. */
    public VitOutput finish(VitState s) {
        if (s.layersDone() != layers.size()) {
            throw new IllegalArgumentException("finish() needs all " + layers.size() + " layers, the state has run "
                    + s.layersDone());
        }
        Tensor last = s.hidden();
        Tensor pooled = null;
        if (postLayernormWeight != null && s.hasCls()) {
            Tensor cls = last.narrow(1, 0, 1).reshape(last.size(0), last.size(2));
            pooled = F.layerNorm(cls, postLayernormWeight, postLayernormBias, config.layerNormEps());
        }
        Tensor emb = neck != null ? neck.forward(last) : null;
        List<Tensor> hs = s.hiddenStates().isEmpty() ? List.of(last) : s.hiddenStates();
        return new VitOutput(hs, last, pooled, emb, s.gridH(), s.gridW(), s.hasCls());
    }

    @Override
    public String toString() {
        return "VisionTransformer[" + config + ", " + weights.describe() + "]";
    }
}
