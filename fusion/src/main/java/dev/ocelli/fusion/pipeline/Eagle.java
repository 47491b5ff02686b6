package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.convnext.ConvNeXt;
import dev.ocelli.encoders.convnext.ConvNeXtConfig;
import dev.ocelli.encoders.preprocess.ImageProcessor;
import dev.ocelli.encoders.preprocess.ProcessorConfig;
import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.encoders.vit.VitOptions;
import dev.ocelli.encoders.vit.VitOutput;
import dev.ocelli.encoders.vit.VisionTransformer;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.encoders.weights.SyntheticWeights;
import dev.ocelli.encoders.weights.WeightSource;
import dev.ocelli.fusion.ops.ChannelConcat;
import dev.ocelli.fusion.ops.Mlp2xGelu;
import dev.ocelli.fusion.ops.PixelShuffleSteps;
import dev.ocelli.kernels.F;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * EAGLE, the CLIP + ConvNeXt + SAM channel-concatenation configuration (Shi et al., arXiv
 * 2408.15998; code {@code eagle/model/multimodal_encoder/multi_backbone_channel_concatenation_encoder.py}).
 *
 * <pre>
 *   x    = master image [1, 3, R, R]                                        R = 1024
 *   CLIP : interpolate(x, 336, bilinear, align_corners=True), CLS dropped before the encoder,
 *          pre-LN, all layers                                               [1, 576, 1024]   (24×24)
 *   ConvNeXt-XXL on x, last stage                                           [1, 3072, 32, 32]
 *   SAM-L on x, short neck (1×1 conv + LN2d) → pixel_unshuffle(2)           [1, 1024, 32, 32]
 *   {@link ChannelConcat} to 32×32 (bilinear, align_corners=True)            [1, 1024, 5120]
 *   tokens = mm_projector (mlp2x_gelu 5120→H)                               [1024, H]
 * </pre>
 * <b>code ≠ label</b>: the CLIP tower is labelled 448 but runs at 336 and is upsampled 24→32.
 * The master image (checked against NVlabs/EAGLE): {@code expand2square} with the mean colour, then
 * the ConvNeXt tower's {@code CLIPImageProcessor} (OpenAI CLIP mean/std, bicubic, shortest edge
 * 1024, centre crop 1024), which the multi-backbone tower adopts as the model's only processor
 * ({@code multi_backbone_channel_concatenation_encoder.py} line 100, {@code convnext_encoder.py}
 * lines 24-42, 72-77, {@code mm_utils.py} lines 182-188 with {@code --image_aspect_ratio pad}).
 * No tower re-normalises: CLIP gets the resized tensor, ConvNeXt-XXL and SAM the tensor itself,
 * so SAM sees CLIP-normalised pixels (its own SAM processor, {@code sam_encoder.py} line 94, is
 * never called on this path).
 * The SAM short neck is EAGLE's {@code ShortSamVisionNeck} (keys {@code neck.conv1}, {@code neck.layer_norm1}).
 * Keys: {@code model.vision_tower.vision_towers.{0: CLIP, 1: ConvNeXt, 2: SAM}.…} (each tower's
 * prefix found by its anchor key), {@code model.mm_projector.{0,2}.*}.
 */
public final class Eagle extends FusionPipeline {

    public static final String TOWERS = "model.vision_tower.vision_towers.";
    public static final String PROJECTOR_PREFIX = "model.mm_projector.";

    /**
     * @param clip      CLIP tower config (null when loading)
     * @param convnext  ConvNeXt tower config (null when loading)
     * @param sam       SAM tower with the short neck (null when loading)
     * @param res       master image side (1024)
     * @param clipRes   CLIP input side (336)
     * @param grid      common grid (32)
     */
    public record Config(VitConfig clip, ConvNeXtConfig convnext, VitConfig sam, int res, int clipRes, int grid,
                         int llmHidden) {

        public static Config standard(int llmHidden) {
            return new Config(VitConfig.clipVitL14_336(), ConvNeXtConfig.xxlarge(),
                    VitConfig.samVitL().withNeck(VitConfig.Neck.SHORT, null, null), 1024, 336, 32, llmHidden);
        }
    }

    private final Config cfg;
    private final VisionTransformer clip, sam;
    private final ConvNeXt convnext;
    private final Mlp2xGelu projector;
    private final ImageProcessor processor;
    private final int channels;

    private Eagle(Config cfg, VisionTransformer clip, ConvNeXt convnext, VisionTransformer sam, WeightSource fusion,
                  List<WeightSource> sources) {
        super(sources);
        this.clip = clip;
        this.convnext = convnext;
        this.sam = sam;
        int[] dims = convnext.config().dims();
        this.channels = clip.config().hiddenSize() + dims[dims.length - 1] + 4 * sam.config().neckChannels();
        StateDict sd = StateDict.of(fusion, PROJECTOR_PREFIX);
        int hidden = cfg.llmHidden() > 0 ? cfg.llmHidden() : (int) fusion.shape(PROJECTOR_PREFIX + "0.weight")[0];
        this.projector = Mlp2xGelu.load(sd, channels, hidden);
        sd.finish();
        this.cfg = new Config(clip.config(), convnext.config(), sam.config(), cfg.res(), cfg.clipRes(), cfg.grid(), hidden);
        this.processor = new ImageProcessor(ProcessorConfig.clip(cfg.res()));
    }

    public static Eagle synthetic(Config cfg, long seed) {
        return synthetic(cfg, seed, ProgressListener.NONE);
    }

    /** {@link #synthetic(Config, long)}, reporting each tower and the fusion weights to {@code progress}. */
    public static Eagle synthetic(Config cfg, long seed, ProgressListener progress) {
        Steps steps = new Steps(progress, "load", 4);
        VisionTransformer clip = steps.run("clip", () -> VisionTransformer.synthetic(cfg.clip(), seed));
        ConvNeXt convnext = steps.run("convnext", () -> ConvNeXt.synthetic(cfg.convnext(), seed + 1));
        VisionTransformer sam = steps.run("sam", () -> VisionTransformer.synthetic(cfg.sam(), seed + 2));
        int[] dims = cfg.convnext().dims();
        int channels = cfg.clip().hiddenSize() + dims[dims.length - 1] + 4 * cfg.sam().neckChannels();
        List<ParamSpec> ps = new ArrayList<>();
        Mlp2xGelu.parameters(PROJECTOR_PREFIX, channels, cfg.llmHidden(), ps);
        return steps.run("fusion", () -> {
            SyntheticWeights fw = SyntheticWeights.generate(ps, seed + 3);
            return new Eagle(cfg, clip, convnext, sam, fw, List.of(clip.weights(), sam.weights(), fw));
        });
    }

    /** From one checkpoint; each tower's prefix under {@code model.vision_tower.vision_towers.} found by its anchor. */
    public static Eagle load(WeightSource w, Config cfg) {
        return load(w, cfg, ProgressListener.NONE);
    }

    /** {@link #load(WeightSource, Config)}, reporting each tower and the fusion weights to {@code progress}. */
    public static Eagle load(WeightSource w, Config cfg, ProgressListener progress) {
        Steps steps = new Steps(progress, "load", 4);
        VitConfig cc = cfg.clip() != null ? cfg.clip()
                : VitConfig.infer(VitConfig.Family.CLIP, StateDict.detect(w, null, "pre_layrnorm.weight"));
        VisionTransformer clip = steps.run("clip", () -> VisionTransformer.load(w, cc, null));
        ConvNeXt convnext = steps.run("convnext", () -> cfg.convnext() != null ? ConvNeXt.load(w, null, cfg.convnext())
                : ConvNeXt.load(w, null, Float.NaN));
        VitConfig sc = cfg.sam() != null ? cfg.sam()
                : VitConfig.infer(VitConfig.Family.SAM, StateDict.detect(w, null, "patch_embed.projection.weight"));
        VisionTransformer sam = steps.run("sam", () -> VisionTransformer.load(w, sc, null));
        return steps.run("fusion", () -> new Eagle(cfg, clip, convnext, sam, w, List.of(w)));
    }

    /** From separately loaded towers plus a file with {@code model.mm_projector.*}; the pipeline closes {@code sources}. */
    public static Eagle compose(Config cfg, VisionTransformer clip, ConvNeXt convnext, VisionTransformer sam,
                                WeightSource fusion, List<WeightSource> sources) {
        return new Eagle(cfg, clip, convnext, sam, fusion, sources);
    }

    @Override
    public String name() {
        return "eagle";
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

    /** {@code pixelValues}: the master image [1, 3, R, R]. */
    @Override
    public PipelineResult encodePixels(Tensor pixelValues, ProgressListener progress) {
        return run(pixelValues, new Recorder(progress, units(pixelValues)));
    }

    private PipelineResult run(Tensor x, Recorder rec) {
        VitConfig cc = clip.config(), sc = sam.config();
        int cg = cfg.clipRes() / cc.patchSize(), sg = cfg.res() / sc.patchSize();
        Tensor clipTokens = rec.run("clip", Flops.vit(cc, 1, cg, cg, false, cc.numLayers()), () -> {
            Tensor y = x.size(2) == cfg.clipRes() ? x : F.interpolate(x, cfg.clipRes(), cfg.clipRes(), "bilinear", true, false);
            return clip.forward(y, new VitOptions(true, VitOptions.PosResize.BICUBIC, false)).lastHiddenState();
        });
        Tensor cnx = rec.run("convnext", convnext.config().flops(cfg.res(), cfg.res()), () -> {
            Tensor h = convnext.stem(x);
            for (int i = 0; i < convnext.stageCount(); i++) {
                h = convnext.stage(i, h);
            }
            return ConvNeXt.toNchw(h);
        });
        Tensor samMap = rec.run("sam", Flops.vit(sc, 1, sg, sg, false, sc.numLayers()) + Flops.samNeck(sc, 1, sg, false), () -> {
            VitOutput o = sam.forward(x, new VitOptions(false, VitOptions.PosResize.BICUBIC, false));
            return F.pixelUnshuffle(o.imageEmbeddings(), 2);
        });
        Tensor cat = rec.run("channel-concat", 0, () -> ChannelConcat.forward(List.of(clipTokens, cnx, samMap), cfg.grid()));
        Tensor tokens = rec.run("projector", projector.flops(cat.size(1)),
                () -> projector.forward(cat).reshape(cat.size(1), cfg.llmHidden()));
        return new PipelineResult(tokens, rec.stages(), Map.of("channels", String.valueOf(channels)));
    }

    @Override
    public List<StageTiming> plan(int width, int height) {
        return plan(cfg, width, height);
    }

    /** Shape-only dry run from the config alone (no weights). */
    public static List<StageTiming> plan(Config cfg, int width, int height) {
        VitConfig cc = cfg.clip(), sc = cfg.sam();
        int cg = cfg.clipRes() / cc.patchSize(), sg = cfg.res() / sc.patchSize();
        int[] dims = cfg.convnext().dims();
        int channels = cc.hiddenSize() + dims[dims.length - 1] + 4 * sc.neckChannels();
        int cs = cfg.res() / 32;
        long n = (long) cfg.grid() * cfg.grid();
        double nan = Double.NaN;
        List<StageTiming> out = new ArrayList<>();
        out.add(new StageTiming("preprocess", new long[] {1, 3, cfg.res(), cfg.res()}, 0, nan));
        out.add(new StageTiming("clip", new long[] {1, (long) cg * cg, cc.hiddenSize()},
                Flops.vit(cc, 1, cg, cg, false, cc.numLayers()) / 1e9, nan));
        out.add(new StageTiming("convnext", new long[] {1, dims[dims.length - 1], cs, cs},
                cfg.convnext().flops(cfg.res(), cfg.res()) / 1e9, nan));
        out.add(new StageTiming("sam", new long[] {1, 4L * sc.neckChannels(), sg / 2, sg / 2},
                (Flops.vit(sc, 1, sg, sg, false, sc.numLayers()) + Flops.samNeck(sc, 1, sg, false)) / 1e9, nan));
        out.add(new StageTiming("channel-concat", new long[] {1, n, channels}, 0, nan));
        out.add(new StageTiming("projector", new long[] {n, cfg.llmHidden()},
                Mlp2xGelu.flops(channels, cfg.llmHidden(), n) / 1e9, nan));
        return out;
    }
}
