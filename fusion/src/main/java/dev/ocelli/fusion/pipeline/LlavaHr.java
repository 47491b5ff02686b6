package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.convnext.ConvNeXt;
import dev.ocelli.encoders.convnext.ConvNeXtConfig;
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
import dev.ocelli.fusion.ops.MrAdapter;
import dev.ocelli.fusion.ops.MultiPathAlign;
import dev.ocelli.kernels.F;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LLaVA-HR (Luo et al., arXiv 2403.03003; code
 * {@code llava_hr/model/multimodal_encoder/multipath_encoder_wapper.py},
 * {@code MultiPathCLIPVisionTower.forward}).
 *
 * <pre>
 *   x   = CLIP processor at R (pad to square with the mean colour)        [1, 3, R, R]          R = 1024
 *   Fh  = ConvNeXt-L stem + 4 stages on x                                  [1, 1536, R/32, R/32]
 *   y   = interpolate(x, S, bilinear, align_corners=True)                  S = max(int(R/32·14), 336) = 448
 *   f   = pre_layrnorm(CLIP embeddings(y) without CLS)                     positions resized bicubic + antialias
 *   for k in 1..4: f = CLIP layers [(k−1)·L/4, k·L/4) on f;
 *                  k ≤ 3: f = align_stages_latent[k−1](f, Fh)              {@link MrAdapter}
 *   f   = align_stages[0](f, Fh)                                           {@link MultiPathAlign}  [1, 1024, 1024]
 *   tokens = mm_projector(f)                                               [1024, H]
 * </pre>
 * All three adapters read the same final-stage Fh (<b>code ≠ paper</b>, see {@link MrAdapter}).
 * Keys: prefix {@code model.vision_tower.}: {@code fast_vision_tower.vision_tower.vision_model.*},
 * {@code slow_vision_tower.vision_tower.*} (timm, layer scale stored as {@code weight}),
 * {@code align_stages_latent.{0,1,2}.*}, {@code align_stages.0.*}; {@code model.mm_projector.*}.
 */
public final class LlavaHr extends FusionPipeline {

    public static final String ROOT = "model.vision_tower.";
    public static final String FAST_PREFIX = ROOT + "fast_vision_tower.vision_tower.vision_model.";
    public static final String SLOW_PREFIX = ROOT + "slow_vision_tower.vision_tower.";
    public static final String PROJECTOR_PREFIX = "model.mm_projector.";

    /**
     * @param clip      fast tower (null when loading: inferred)
     * @param slow      slow tower (null when loading: inferred)
     * @param res       input side R (1024)
     * @param fastRes   fast-path input side S; 0 = the released {@code max(int(R/32·14), 336)}
     * @param llmHidden projector width (≤ 0 when loading: the checkpoint's)
     */
    public record Config(VitConfig clip, ConvNeXtConfig slow, int res, int fastRes, int llmHidden) {

        public static Config standard(int llmHidden) {
            return new Config(VitConfig.clipVitL14_336(), ConvNeXtConfig.large(), 1024, 0, llmHidden);
        }

        /** The fast-path side. */
        public int fastSide() {
            return fastRes > 0 ? fastRes : Math.max((int) (res / 32.0 * 14), 336);
        }
    }

    private final Config cfg;
    private final VisionTransformer clip;
    private final ConvNeXt slow;
    private final MrAdapter[] adapters = new MrAdapter[3];
    private final MultiPathAlign align;
    private final Mlp2xGelu projector;
    private final ImageProcessor processor;

    private LlavaHr(Config cfg, VisionTransformer clip, ConvNeXt slow, WeightSource fusion, List<WeightSource> sources) {
        super(sources);
        if (clip.numLayers() % 4 != 0) {
            throw new IllegalArgumentException("LLaVA-HR needs a layer count divisible by 4 (adapters after each quarter), got "
                    + clip.numLayers());
        }
        this.clip = clip;
        this.slow = slow;
        int d = clip.config().hiddenSize();
        int[] dims = slow.config().dims();
        int ds = dims[dims.length - 1];
        StateDict sd = StateDict.of(fusion, "model.");
        for (int i = 0; i < 3; i++) {
            adapters[i] = MrAdapter.load(sd.child("vision_tower.align_stages_latent." + i + "."), d, ds);
        }
        align = MultiPathAlign.load(sd.child("vision_tower.align_stages.0."), d, ds);
        int hidden = cfg.llmHidden() > 0 ? cfg.llmHidden() : (int) fusion.shape(PROJECTOR_PREFIX + "0.weight")[0];
        projector = Mlp2xGelu.load(sd.child("mm_projector."), d, hidden);
        var r = sd.report();
        if (!r.missing().isEmpty() || !r.mismatched().isEmpty()) {
            sd.finish();
        }
        this.cfg = new Config(clip.config(), slow.config(), cfg.res(), cfg.fastRes(), hidden);
        this.processor = new ImageProcessor(ProcessorConfig.clip(cfg.res()));
    }

    public static LlavaHr synthetic(Config cfg, long seed) {
        return synthetic(cfg, seed, ProgressListener.NONE);
    }

    /** {@link #synthetic(Config, long)}, reporting each tower and the fusion weights to {@code progress}. */
    public static LlavaHr synthetic(Config cfg, long seed, ProgressListener progress) {
        Steps steps = new Steps(progress, "load", 3);
        VisionTransformer clip = steps.run("clip", () -> VisionTransformer.synthetic(cfg.clip(), seed));
        ConvNeXt slow = steps.run("convnext", () -> ConvNeXt.synthetic(cfg.slow(), seed + 1));
        int d = cfg.clip().hiddenSize(), ds = cfg.slow().dims()[cfg.slow().dims().length - 1];
        List<ParamSpec> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MrAdapter.parameters(ROOT + "align_stages_latent." + i + ".", d, ds, ps);
        }
        MultiPathAlign.parameters(ROOT + "align_stages.0.", d, ds, ps);
        Mlp2xGelu.parameters(PROJECTOR_PREFIX, d, cfg.llmHidden(), ps);
        return steps.run("fusion", () -> {
            SyntheticWeights fw = SyntheticWeights.generate(ps, seed + 2);
            return new LlavaHr(cfg, clip, slow, fw, List.of(clip.weights(), fw));
        });
    }

    public static LlavaHr load(WeightSource w, Config cfg) {
        return load(w, cfg, ProgressListener.NONE);
    }

    /** {@link #load(WeightSource, Config)}, reporting each tower and the fusion weights to {@code progress}. */
    public static LlavaHr load(WeightSource w, Config cfg, ProgressListener progress) {
        Steps steps = new Steps(progress, "load", 3);
        VitConfig cc = cfg.clip() != null ? cfg.clip() : VitConfig.infer(VitConfig.Family.CLIP, StateDict.of(w, FAST_PREFIX));
        VisionTransformer clip = steps.run("clip", () -> VisionTransformer.load(w, cc, FAST_PREFIX));
        ConvNeXt slow = steps.run("convnext", () -> cfg.slow() != null ? ConvNeXt.load(w, SLOW_PREFIX, cfg.slow())
                : ConvNeXt.load(w, SLOW_PREFIX, Float.NaN));
        return steps.run("fusion", () -> new LlavaHr(cfg, clip, slow, w, List.of(w)));
    }

    /**
     * From separately loaded encoders plus a file with the adapters and projector in the released
     * names ({@code model.vision_tower.align_stages*}, {@code model.mm_projector.*}); the pipeline
     * closes {@code sources}.
     */
    public static LlavaHr compose(Config cfg, VisionTransformer clip, ConvNeXt slow, WeightSource fusion,
                                  List<WeightSource> sources) {
        return new LlavaHr(cfg, clip, slow, fusion, sources);
    }

    @Override
    public String name() {
        return "llava-hr";
    }

    @Override
    public int llmHidden() {
        return cfg.llmHidden();
    }

    @Override
    public PipelineResult encode(RgbImage image, ProgressListener progress) {
        Recorder rec = new Recorder(progress, units(image.width(), image.height(), true));
        Tensor x = rec.run("preprocess", 0, () -> processor.preprocessPadded(image).toTensor());
        return run(x, rec);
    }

    /** {@code pixelValues}: the CLIP-normalised image [1, 3, R, R]. */
    @Override
    public PipelineResult encodePixels(Tensor pixelValues, ProgressListener progress) {
        return run(pixelValues, new Recorder(progress, units(pixelValues)));
    }

    private PipelineResult run(Tensor x, Recorder rec) {
        int s = cfg.fastSide();
        VitConfig cc = clip.config();
        int grid = s / cc.patchSize();
        int q = clip.numLayers() / 4;
        Tensor fh = rec.run("convnext", slow.config().flops(cfg.res(), cfg.res()), () -> ConvNeXt.toNchw(slowForward(x)));
        Tensor y = rec.run("resize-fast", 0, () -> F.interpolate(x, s, s, "bilinear", true, false));
        long slowTokens = fh.size(2) * fh.size(3);
        VitState st = rec.run("clip-embed", Flops.vit(cc, 1, grid, grid, false, 0),
                () -> clip.embed(y, VitOptions.llavaHr().withKeepHiddenStates(false)), v -> v.hidden().shape());
        for (int k = 0; k < 4; k++) {
            VitState in = st;
            int from = k * q;
            st = rec.run("clip-layers-" + from + "-" + (from + q), Flops.vit(cc, 1, grid, grid, false, q)
                    - Flops.vit(cc, 1, grid, grid, false, 0), () -> clip.runLayers(in, from, from + q), v -> v.hidden().shape());
            if (k < 3) {
                VitState cur = st;
                MrAdapter a = adapters[k];
                st = rec.run("mr-adapter-" + k, a.flops((long) grid * grid, slowTokens),
                        () -> cur.withHidden(a.forward(cur.hidden(), fh)), v -> v.hidden().shape());
            }
        }
        Tensor f = st.hidden();
        Tensor merged = rec.run("multipath-align", align.flops((long) grid * grid), () -> align.forward(f, fh));
        Tensor tokens = rec.run("projector", projector.flops(merged.size(1)),
                () -> projector.forward(merged).reshape(merged.size(1), cfg.llmHidden()));
        return new PipelineResult(tokens, rec.stages(), Map.of("fast_res", String.valueOf(s)));
    }

    private Tensor slowForward(Tensor x) {
        Tensor h = slow.stem(x);
        for (int i = 0; i < slow.stageCount(); i++) {
            h = slow.stage(i, h);
        }
        return h;
    }

    @Override
    public List<StageTiming> plan(int width, int height) {
        return plan(cfg, width, height);
    }

    /** Shape-only dry run from the config alone (no weights). */
    public static List<StageTiming> plan(Config cfg, int width, int height) {
        int s = cfg.fastSide();
        VitConfig cc = cfg.clip();
        int d = cc.hiddenSize();
        int grid = s / cc.patchSize(), q = cc.numLayers() / 4;
        long n = (long) grid * grid;
        int[] dims = cfg.slow().dims();
        int ds = dims[dims.length - 1];
        int fhSide = cfg.res() / 32;
        long slowTokens = (long) fhSide * fhSide;
        double nan = Double.NaN;
        long[] tok = {1, n, d};
        List<StageTiming> out = new ArrayList<>();
        out.add(new StageTiming("preprocess", new long[] {1, 3, cfg.res(), cfg.res()}, 0, nan));
        out.add(new StageTiming("convnext", new long[] {1, ds, fhSide, fhSide}, cfg.slow().flops(cfg.res(), cfg.res()) / 1e9, nan));
        out.add(new StageTiming("resize-fast", new long[] {1, 3, s, s}, 0, nan));
        out.add(new StageTiming("clip-embed", tok, Flops.vit(cc, 1, grid, grid, false, 0) / 1e9, nan));
        for (int k = 0; k < 4; k++) {
            out.add(new StageTiming("clip-layers-" + k * q + "-" + (k * q + q), tok,
                    (Flops.vit(cc, 1, grid, grid, false, q) - Flops.vit(cc, 1, grid, grid, false, 0)) / 1e9, nan));
            if (k < 3) {
                out.add(new StageTiming("mr-adapter-" + k, tok, MrAdapter.flops(d, ds, n, slowTokens) / 1e9, nan));
            }
        }
        out.add(new StageTiming("multipath-align", tok, MultiPathAlign.flops(d, ds, n) / 1e9, nan));
        out.add(new StageTiming("projector", new long[] {n, cfg.llmHidden()}, Mlp2xGelu.flops(d, cfg.llmHidden(), n) / 1e9, nan));
        return out;
    }
}
