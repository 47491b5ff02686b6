package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.convnext.ConvNeXt;
import dev.ocelli.encoders.convnext.ConvNeXtConfig;
import dev.ocelli.encoders.convnext.ConvNeXtFeatures;
import dev.ocelli.encoders.preprocess.ImageProcessor;
import dev.ocelli.encoders.preprocess.ProcessorConfig;
import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.encoders.vit.VitOptions;
import dev.ocelli.encoders.vit.VitState;
import dev.ocelli.encoders.vit.VisionTransformer;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.encoders.weights.SyntheticWeights;
import dev.ocelli.encoders.weights.WeightSource;
import dev.ocelli.fusion.ops.Mlp2xGelu;
import dev.ocelli.fusion.ops.PatchInfoMining;
import dev.ocelli.fusion.ops.TokenMaps;
import dev.ocelli.kernels.F;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mini-Gemini and Mini-Gemini-HD (Li et al., arXiv 2403.18814; code {@code mgm/model/mgm_arch.py}
 * {@code encode_images}, {@code unified_resampler}; {@code mgm/model/multimodal_encoder/}).
 *
 * <pre>
 *   hi   = CLIP processor at R_h (pad to square with the mean colour)    [1, 3, R_h, R_h]     768 | 1536
 *   lo   = interpolate(hi, R_l, bilinear, align_corners=False)           [1, 3, R_l, R_l]     336 | 672
 *   HD:  lo split g×g into 336 crops (row-major) + global = interpolate(lo, 336)               g = 2
 *   XL   = CLIP hidden_states[-2] (after layer 23 of 24), CLS dropped    [B', 576, 1024]
 *   XH   = ConvNeXt-L stages 0..3, each bilinear (align_corners=False) to R_h/4, concat channels
 *                                                                         [1, 2880, R_h/4, R_h/4]
 *   T    = {@link PatchInfoMining} (HD: {@link PatchInfoMining#forwardHd})  [1, 576·(1 | 1+g²), 1024]
 *   tokens = mm_projector(T) (mlp2x_gelu)                                  [576 | 2880, H]
 * </pre>
 * Keys (prefix {@code model.}): {@code vision_tower.vision_tower.vision_model.*} (HF CLIP),
 * {@code vision_tower_aux.vision_stem.*} / {@code vision_tower_aux.vision_stages.*} (ConvNeXt),
 * {@code vlm_uni_{query,aux,val}_projector.*}, {@code mm_projector.{0,2}.*}.
 */
public final class MiniGemini extends FusionPipeline {

    public static final String CLIP_PREFIX = "model.vision_tower.vision_tower.vision_model.";
    public static final String AUX_PREFIX = "model.vision_tower_aux.";
    public static final String FUSION_PREFIX = "model.";
    public static final String PROJECTOR_PREFIX = "model.mm_projector.";

    /**
     * @param clip      the CLIP tower (null when loading: inferred from the keys)
     * @param aux       the ConvNeXt tower (null when loading: inferred)
     * @param lowRes    CLIP input side per view (336 | 16 in tests)
     * @param highRes   ConvNeXt input side (768 | 1536)
     * @param grid      1, or 2 for HD (low-res side = grid · lowRes, plus the global view)
     * @param llmHidden projector width
     */
    public record Config(VitConfig clip, ConvNeXtConfig aux, int lowRes, int highRes, int grid, int llmHidden) {

        public static Config standard(int llmHidden) {
            return new Config(VitConfig.clipVitL14_336(), ConvNeXtConfig.large(), 336, 768, 1, llmHidden);
        }

        public static Config hd(int llmHidden) {
            return new Config(VitConfig.clipVitL14_336(), ConvNeXtConfig.large(), 336, 1536, 2, llmHidden);
        }

        Config with(VitConfig c, ConvNeXtConfig a, int hidden) {
            return new Config(c, a, lowRes, highRes, grid, hidden);
        }
    }

    private final Config cfg;
    private final VisionTransformer clip;
    private final ConvNeXt aux;
    private final PatchInfoMining pim;
    private final Mlp2xGelu projector;
    private final ImageProcessor processor;
    private final int auxChannels;

    private MiniGemini(Config cfg, VisionTransformer clip, ConvNeXt aux, WeightSource fusion, String fusionPrefix,
                       String projectorPrefix, List<WeightSource> sources) {
        super(sources);
        this.clip = clip;
        this.aux = aux;
        int c = clip.config().hiddenSize();
        int ch = 0;
        for (int d : aux.config().dims()) {
            ch += d;
        }
        this.auxChannels = ch;
        StateDict sd = StateDict.of(fusion, fusionPrefix);
        this.pim = PatchInfoMining.load(sd, c, ch);
        int hidden = cfg.llmHidden() > 0 ? cfg.llmHidden()
                : (int) fusion.shape(projectorPrefix + "0.weight")[0];
        this.projector = Mlp2xGelu.load(sd.child(projectorPrefix.substring(fusionPrefix.length())), c, hidden);
        // other keys under "model." belong to the LLM; only ours must be complete
        this.cfg = cfg.with(clip.config(), aux.config(), hidden);
        this.processor = new ImageProcessor(ProcessorConfig.clip(cfg.highRes()));
        var r = sd.report();
        if (!r.missing().isEmpty() || !r.mismatched().isEmpty()) {
            sd.finish();
        }
    }

    /** Deterministic synthetic weights at {@code cfg}'s sizes (released key names). */
    public static MiniGemini synthetic(Config cfg, long seed) {
        return synthetic(cfg, seed, ProgressListener.NONE);
    }

    /** {@link #synthetic(Config, long)}, reporting each tower and the fusion weights to {@code progress}. */
    public static MiniGemini synthetic(Config cfg, long seed, ProgressListener progress) {
        Steps steps = new Steps(progress, "load", 3);
        VisionTransformer clip = steps.run("clip", () -> VisionTransformer.synthetic(cfg.clip(), seed));
        ConvNeXt aux = steps.run("convnext", () -> ConvNeXt.synthetic(cfg.aux(), seed + 1));
        int ch = 0;
        for (int d : cfg.aux().dims()) {
            ch += d;
        }
        List<ParamSpec> ps = new ArrayList<>();
        PatchInfoMining.parameters(FUSION_PREFIX, cfg.clip().hiddenSize(), ch, ps);
        Mlp2xGelu.parameters(PROJECTOR_PREFIX, cfg.clip().hiddenSize(), cfg.llmHidden(), ps);
        return steps.run("fusion", () -> {
            SyntheticWeights fw = SyntheticWeights.generate(ps, seed + 2);
            return new MiniGemini(cfg, clip, aux, fw, FUSION_PREFIX, PROJECTOR_PREFIX, List.of(clip.weights(), fw));
        });
    }

    /**
     * From one checkpoint in the released layout (encoder architectures inferred from the keys
     * unless {@code cfg} gives them; {@code cfg.llmHidden() <= 0} takes the projector's width).
     */
    public static MiniGemini load(WeightSource w, Config cfg) {
        return load(w, cfg, ProgressListener.NONE);
    }

    /** {@link #load(WeightSource, Config)}, reporting each tower and the fusion weights to {@code progress}. */
    public static MiniGemini load(WeightSource w, Config cfg, ProgressListener progress) {
        Steps steps = new Steps(progress, "load", 3);
        VitConfig cc = cfg.clip() != null ? cfg.clip()
                : VitConfig.infer(VitConfig.Family.CLIP, StateDict.of(w, CLIP_PREFIX));
        VisionTransformer clip = steps.run("clip", () -> VisionTransformer.load(w, cc, CLIP_PREFIX));
        ConvNeXt aux = steps.run("convnext", () -> cfg.aux() != null ? ConvNeXt.load(w, AUX_PREFIX, cfg.aux())
                : ConvNeXt.load(w, AUX_PREFIX, Float.NaN));
        return steps.run("fusion", () -> new MiniGemini(cfg, clip, aux, w, FUSION_PREFIX, PROJECTOR_PREFIX, List.of(w)));
    }

    /**
     * From separately loaded encoders plus a file with the fusion weights in the released names
     * ({@code model.vlm_uni_*}, {@code model.mm_projector.*}). {@code sources} are every weight
     * source the parts read from; the pipeline closes them.
     */
    public static MiniGemini compose(Config cfg, VisionTransformer clip, ConvNeXt aux, WeightSource fusion,
                                     List<WeightSource> sources) {
        return new MiniGemini(cfg, clip, aux, fusion, FUSION_PREFIX, PROJECTOR_PREFIX, sources);
    }

    @Override
    public String name() {
        return cfg.grid() > 1 ? "mini-gemini-hd" : "mini-gemini";
    }

    @Override
    public int llmHidden() {
        return cfg.llmHidden();
    }

    public Config config() {
        return cfg;
    }

    @Override
    public PipelineResult encode(RgbImage image, ProgressListener progress) {
        Recorder rec = new Recorder(progress, units(image.width(), image.height(), true));
        Tensor hi = rec.run("preprocess", 0, () -> processor.preprocessPadded(image).toTensor());
        return run(hi, rec);
    }

    /** {@code pixelValues}: the high-res CLIP-normalised image [1, 3, R_h, R_h]. */
    @Override
    public PipelineResult encodePixels(Tensor pixelValues, ProgressListener progress) {
        return run(pixelValues, new Recorder(progress, units(pixelValues)));
    }

    private PipelineResult run(Tensor hi, Recorder rec) {
        int g = cfg.grid(), lowRes = cfg.lowRes();
        int views = g > 1 ? g * g + 1 : 1;
        Tensor lowViews = rec.run("resize-low", 0, () -> lowViews(hi));
        VitConfig cc = clip.config();
        int grid = lowRes / cc.patchSize();
        int layers = cc.numLayers() - 1; // hidden_states[-2]
        Tensor xl = rec.run("clip", Flops.vit(cc, views, grid, grid, true, layers), () -> {
            VitState s = clip.embed(lowViews, new VitOptions(false, VitOptions.PosResize.BICUBIC, false));
            Tensor h = clip.runLayers(s, 0, layers).hidden();
            return h.narrow(1, 1, h.size(1) - 1);
        });
        Tensor xh = rec.run("convnext", aux.config().flops(cfg.highRes(), cfg.highRes()), () -> highResMap(aux.forward(hi)));
        long n = (long) grid * grid;
        int r4 = (int) xh.size(2);
        double pimFlops = g > 1
                ? pim.flops(n, (long) r4 / g * r4 / g) + pim.flops(n * g * g, (long) r4 * r4)
                : pim.flops(n, (long) r4 * r4);
        Tensor t = rec.run("patch-info-mining", pimFlops, () -> {
            if (g == 1) {
                return pim.forward(xl, xh);
            }
            Tensor crops = xl.narrow(0, 0, (long) g * g);
            Tensor global = xl.narrow(0, (long) g * g, 1);
            return pim.forwardHd(crops, global, xh, g);
        });
        Tensor tokens = rec.run("projector", projector.flops(t.size(1)),
                () -> projector.forward(t).reshape(t.size(1), cfg.llmHidden()));
        return new PipelineResult(tokens, rec.stages(), Map.of("views", String.valueOf(views)));
    }

    /** The CLIP inputs: [1, 3, R_l, R_l], or for HD the g² crops then the global view [g²+1, 3, R_l, R_l]. */
    private Tensor lowViews(Tensor hi) {
        int g = cfg.grid(), r = cfg.lowRes();
        Tensor low = F.interpolate(hi, g * r, g * r, "bilinear", false, false);
        if (g == 1) {
            return low;
        }
        // [1, 3, g, r, g, r] → [g, g, 3, r, r]: crops row-major, as MGM's process_images splits them
        Tensor crops = low.reshape(3, g, r, g, r).permute(1, 3, 0, 2, 4).reshape((long) g * g, 3, r, r);
        Tensor global = F.interpolate(low, r, r, "bilinear", false, false);
        return Tensor.concat(0, crops, global);
    }

    /**
     * MGM's aux tower output: every stage resized to stage 0's grid (bilinear,
     * align_corners=False) and concatenated on channels. Built channels-last so
     * {@link PatchInfoMining} reads it without a transpose; returned as an [B, ΣC, R/4, R/4] view.
     * Each stage is resized a few channels at a time straight into its slice of the buffer, so no
     * resized stage exists whole beside it (at 768² the stages resized whole were 0.4 GB, at
     * Mini-Gemini-HD's 1536² 1.6 GB, on top of the map itself).
     */
    static Tensor highResMap(ConvNeXtFeatures f) {
        Tensor first = f.stages().get(0);
        long b = first.size(0);
        int h = (int) first.size(2), w = (int) first.size(3);
        long channels = 0;
        for (Tensor s : f.stages()) {
            channels += s.size(1);
        }
        Tensor nhwc = Tensor.zeros(b, h, w, channels);
        Tensor map = nhwc.permute(0, 3, 1, 2);
        long c0 = 0;
        for (Tensor s : f.stages()) {
            TokenMaps.interpolateInto(map.narrow(1, c0, s.size(1)), s, "bilinear", false);
            c0 += s.size(1);
        }
        return map;
    }

    @Override
    public List<StageTiming> plan(int width, int height) {
        return plan(cfg, width, height);
    }

    /** Shape-only dry run from the config alone (no weights). */
    public static List<StageTiming> plan(Config cfg, int width, int height) {
        VitConfig cc = cfg.clip();
        int auxChannels = 0;
        for (int d : cfg.aux().dims()) {
            auxChannels += d;
        }
        int c = cc.hiddenSize();
        int g = cfg.grid(), views = g > 1 ? g * g + 1 : 1;
        int grid = cfg.lowRes() / cc.patchSize();
        long n = (long) grid * grid;
        int r4 = cfg.highRes() / 4;
        long tokens = n * views;
        double nan = Double.NaN;
        List<StageTiming> out = new ArrayList<>();
        out.add(new StageTiming("preprocess", new long[] {1, 3, cfg.highRes(), cfg.highRes()}, 0, nan));
        out.add(new StageTiming("resize-low", new long[] {views, 3, cfg.lowRes(), cfg.lowRes()}, 0, nan));
        out.add(new StageTiming("clip", new long[] {views, n, c},
                Flops.vit(cc, views, grid, grid, true, cc.numLayers() - 1) / 1e9, nan));
        out.add(new StageTiming("convnext", new long[] {1, auxChannels, r4, r4},
                cfg.aux().flops(cfg.highRes(), cfg.highRes()) / 1e9, nan));
        double pimFlops = g > 1
                ? PatchInfoMining.flops(c, auxChannels, n, (long) r4 / g * r4 / g)
                        + PatchInfoMining.flops(c, auxChannels, n * g * g, (long) r4 * r4)
                : PatchInfoMining.flops(c, auxChannels, n, (long) r4 * r4);
        out.add(new StageTiming("patch-info-mining", new long[] {1, tokens, c}, pimFlops / 1e9, nan));
        out.add(new StageTiming("projector", new long[] {tokens, cfg.llmHidden()},
                Mlp2xGelu.flops(c, cfg.llmHidden(), tokens) / 1e9, nan));
        return out;
    }
}
