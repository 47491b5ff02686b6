package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.preprocess.DynamicPreprocess;
import dev.ocelli.encoders.preprocess.ImageProcessor;
import dev.ocelli.encoders.preprocess.ProcessorConfig;
import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.encoders.vit.VitOptions;
import dev.ocelli.encoders.vit.VisionTransformer;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.encoders.weights.SyntheticWeights;
import dev.ocelli.encoders.weights.WeightSource;
import dev.ocelli.fusion.ops.LnMlp;
import dev.ocelli.fusion.ops.Mlp2xGelu;
import dev.ocelli.fusion.ops.PixelShuffleSteps;
import dev.ocelli.fusion.ops.SequenceConcat;
import dev.ocelli.kernels.F;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LEO (Azadani et al., arXiv 2501.06986; code {@code leo_chat/leo/model/leo_chat/modeling_leo_chat.py}).
 *
 * <pre>
 *   tiles = dynamic_preprocess(image, min 1, max maxTiles, 448, thumbnail)   T tiles, grid order then thumbnail
 *   V1 = mlp1( pixel_shuffle_v2( InternViT-300M(tile) without CLS ) )        [T, 256, H]    (32×32×1024 → 16×16×4096)
 *   V2 = mlp2( tokens( pixel_unshuffle( SAM-L(tile at 1024) full neck, 4) ) ) [T, 256, H]    (256×64×64 → 4096×16×16)
 *   tokens = interleave per tile (M[:,0::2] = V1, M[:,1::2] = V2)            [T·512, H]
 * </pre>
 * InternViT input: {@code build_transform(448)} (bicubic, ImageNet mean/std); SAM input: the SAM
 * processor (longest side → 1024 bilinear, ImageNet mean/std, zero pad). Tiles run one at a time
 * (SAM's global layers attend over 4096 tokens). Keys: {@code vision_model_1.*}/{@code vision_model_2.*}
 * (each tower's prefix found by its anchor key), {@code mlp1.{0,1,3}.*}, {@code mlp2.{0,1,3}.*}.
 */
public final class Leo extends FusionPipeline {

    /**
     * @param internVit InternViT config (null when loading)
     * @param sam       SAM config with the full neck (null when loading)
     * @param tileSize  448
     * @param samRes    SAM input side (1024)
     * @param maxTiles  dynamic_preprocess max_num (6)
     */
    public record Config(VitConfig internVit, VitConfig sam, int tileSize, int samRes, int maxTiles, int llmHidden) {

        public static Config standard(int llmHidden) {
            return new Config(VitConfig.internVit300m448(), VitConfig.samVitL(), 448, 1024, 6, llmHidden);
        }

        public Config withMaxTiles(int n) {
            return new Config(internVit, sam, tileSize, samRes, n, llmHidden);
        }
    }

    private final Config cfg;
    private final VisionTransformer internVit, sam;
    private final LnMlp mlp1, mlp2;
    private final ImageProcessor internVlProcessor, samProcessor;

    private Leo(Config cfg, VisionTransformer internVit, VisionTransformer sam, WeightSource fusion,
                List<WeightSource> sources) {
        super(sources);
        this.internVit = internVit;
        this.sam = sam;
        int in1 = 4 * internVit.config().hiddenSize(), in2 = 16 * sam.config().neckChannels();
        int hidden = cfg.llmHidden() > 0 ? cfg.llmHidden() : (int) fusion.shape("mlp1.1.weight")[0];
        StateDict sd = StateDict.of(fusion, "");
        this.mlp1 = LnMlp.load(sd.child("mlp1."), in1, hidden);
        this.mlp2 = LnMlp.load(sd.child("mlp2."), in2, hidden);
        var r = sd.report();
        if (!r.missing().isEmpty() || !r.mismatched().isEmpty()) {
            sd.finish();
        }
        this.cfg = new Config(internVit.config(), sam.config(), cfg.tileSize(), cfg.samRes(), cfg.maxTiles(), hidden);
        this.internVlProcessor = internVlProcessor(cfg.tileSize());
        this.samProcessor = samProcessor(cfg.samRes());
    }

    /** InternViT tiles: {@code build_transform(tileSize)} (bicubic, ImageNet mean/std). */
    static ImageProcessor internVlProcessor(int tileSize) {
        return new ImageProcessor(ProcessorConfig.internVl(tileSize));
    }

    /** SAM tiles: the SAM processor with its side set to {@code samRes} (longest edge, bilinear, ImageNet mean/std, zero pad). */
    static ImageProcessor samProcessor(int samRes) {
        ProcessorConfig s = ProcessorConfig.sam();
        return new ImageProcessor(new ProcessorConfig(true, new ProcessorConfig.LongestEdge(samRes), s.resample(), false,
                0, 0, true, s.rescaleFactor(), true, s.imageMean(), s.imageStd(), true, samRes, samRes));
    }

    public static Leo synthetic(Config cfg, long seed) {
        return synthetic(cfg, seed, ProgressListener.NONE);
    }

    /** {@link #synthetic(Config, long)}, reporting each tower and the fusion weights to {@code progress}. */
    public static Leo synthetic(Config cfg, long seed, ProgressListener progress) {
        Steps steps = new Steps(progress, "load", 3);
        VisionTransformer iv = steps.run("internvit", () -> VisionTransformer.synthetic(cfg.internVit(), seed));
        VisionTransformer sam = steps.run("sam", () -> VisionTransformer.synthetic(cfg.sam(), seed + 1));
        List<ParamSpec> ps = new ArrayList<>();
        LnMlp.parameters("mlp1.", 4 * cfg.internVit().hiddenSize(), cfg.llmHidden(), ps);
        LnMlp.parameters("mlp2.", 16 * cfg.sam().neckChannels(), cfg.llmHidden(), ps);
        return steps.run("fusion", () -> {
            SyntheticWeights fw = SyntheticWeights.generate(ps, seed + 2);
            return new Leo(cfg, iv, sam, fw, List.of(iv.weights(), sam.weights(), fw));
        });
    }

    public static Leo load(WeightSource w, Config cfg) {
        return load(w, cfg, ProgressListener.NONE);
    }

    /** {@link #load(WeightSource, Config)}, reporting each tower and the fusion weights to {@code progress}. */
    public static Leo load(WeightSource w, Config cfg, ProgressListener progress) {
        Steps steps = new Steps(progress, "load", 3);
        VitConfig ic = cfg.internVit() != null ? cfg.internVit()
                : VitConfig.infer(VitConfig.Family.INTERNVIT, StateDict.detect(w, null, "encoder.layers.0.ls1"));
        VisionTransformer iv = steps.run("internvit", () -> VisionTransformer.load(w, ic, null));
        VitConfig sc = cfg.sam() != null ? cfg.sam()
                : VitConfig.infer(VitConfig.Family.SAM, StateDict.detect(w, null, "patch_embed.projection.weight"));
        VisionTransformer sam = steps.run("sam", () -> VisionTransformer.load(w, sc, null));
        return steps.run("fusion", () -> new Leo(cfg, iv, sam, w, List.of(w)));
    }

    /** From separately loaded encoders plus a file with {@code mlp1.*}, {@code mlp2.*}; the pipeline closes {@code sources}. */
    public static Leo compose(Config cfg, VisionTransformer internVit, VisionTransformer sam, WeightSource fusion,
                              List<WeightSource> sources) {
        return new Leo(cfg, internVit, sam, fusion, sources);
    }

    @Override
    public String name() {
        return "leo";
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
        DynamicPreprocess.Plan plan = DynamicPreprocess.plan(image.width(), image.height(), 1, cfg.maxTiles(),
                cfg.tileSize(), true);
        List<RgbImage> tiles = DynamicPreprocess.tiles(image, plan);
        int t = tiles.size();
        Recorder rec = new Recorder(progress, units(t, true));
        Tensor iv = rec.run("preprocess-internvit", 0, () -> internVlProcessor.pixelValues(tiles));
        Tensor sm = rec.run("preprocess-sam", 0, () -> samProcessor.pixelValues(tiles));
        PipelineResult r = encodeTiles(iv, sm, rec);
        return new PipelineResult(r.tokens(), r.stages(), Map.of("tiles", String.valueOf(t),
                "grid", plan.cols() + "x" + plan.rows(), "thumbnail", String.valueOf(plan.thumbnail())));
    }

    /**
     * {@code pixelValues}: the InternViT tiles [T, 3, 448, 448] as {@code build_transform} makes them
     * (ImageNet mean/std; tiles in grid order, then the thumbnail). The SAM tiles are derived from
     * them ({@link #samTilesFrom}), so this equals {@link #encode(RgbImage)} up to the SAM
     * processor's uint8 rounding (at most one level, 1/255/std ≈ 0.0175 per normalised pixel).
     */
    @Override
    public PipelineResult encodePixels(Tensor pixelValues, ProgressListener progress) {
        checkTiles("pixel_values", pixelValues, cfg.tileSize());
        int t = (int) pixelValues.size(0);
        Recorder rec = new Recorder(progress, units(t, false) + 1);
        Tensor sm = rec.run("resize-sam", 0, () -> samTilesFrom(pixelValues));
        return encodeTiles(pixelValues, sm, rec);
    }

    /**
     * The SAM input of each tile from its InternViT input: {@code interpolate(x, samRes, bilinear,
     * align_corners=False)}. Both of LEO's preprocessors normalise with the ImageNet mean/std and the
     * tiles are square, so the SAM processor (PIL bilinear, longest side 448 → 1024, no padding
     * left) is this resize of the same normalised values; normalising is affine per channel, so it
     * commutes with the resize. PIL's upsampling bilinear has the same taps as
     * {@code align_corners=False} (edges clamped); it rounds to uint8 after each of its two
     * separable passes, which this skips: at most one level of difference (1/255/std).
     */
    public Tensor samTilesFrom(Tensor internVitTiles) {
        checkTiles("internVitTiles", internVitTiles, cfg.tileSize());
        return F.interpolate(internVitTiles, cfg.samRes(), cfg.samRes(), "bilinear", false, false);
    }

    private static void checkTiles(String what, Tensor x, int side) {
        long[] s = x.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != side || s[3] != side) {
            throw new IllegalArgumentException("leo: " + what + " must be InternViT tiles [T, 3, " + side + ", " + side
                    + "] (build_transform: ImageNet mean/std), got " + Shapes.str(s));
        }
    }

    /** Progress units of a run over {@code t} tiles: the plan's stages, the two encoders counted per tile. */
    private long units(int t, boolean fromImage) {
        long stages = fromImage ? 7 : 5; // preprocess ×2, internvit, mlp1, sam, mlp2, interleave
        return stages - 2 + 2L * t;
    }

    /** internVitTiles [T, 3, 448, 448] (build_transform), samTiles [T, 3, 1024, 1024] (SAM processor). */
    public PipelineResult encodeTiles(Tensor internVitTiles, Tensor samTiles) {
        return encodeTiles(internVitTiles, samTiles, ProgressListener.NONE);
    }

    /** {@link #encodeTiles(Tensor, Tensor)}, reporting each stage and each tile to {@code progress}. */
    public PipelineResult encodeTiles(Tensor internVitTiles, Tensor samTiles, ProgressListener progress) {
        return encodeTiles(internVitTiles, samTiles, new Recorder(progress, units((int) internVitTiles.size(0), false)));
    }

    private PipelineResult encodeTiles(Tensor ivTiles, Tensor samTiles, Recorder rec) {
        int t = (int) ivTiles.size(0);
        if (samTiles.size(0) != t) {
            throw new IllegalArgumentException("leo: " + t + " InternViT tiles but " + samTiles.size(0) + " SAM tiles");
        }
        VitConfig ic = internVit.config(), sc = sam.config();
        int ig = cfg.tileSize() / ic.patchSize(), sg = cfg.samRes() / sc.patchSize();
        VitOptions opts = new VitOptions(false, VitOptions.PosResize.BICUBIC, false);
        // one tile at a time: SAM's global layers attend over 4096 tokens per tile
        Tensor v1 = rec.runTiles("internvit", Flops.vit(ic, t, ig, ig, true, ic.numLayers()), t,
                i -> PixelShuffleSteps.internVl(internVit.forward(ivTiles.narrow(0, i, 1), opts).lastHiddenState()));
        Tensor p1 = rec.run("mlp1", mlp1.flops((long) t * v1.size(1)), () -> mlp1.forward(v1));
        Tensor v2 = rec.runTiles("sam", Flops.vit(sc, t, sg, sg, false, sc.numLayers()) + Flops.samNeck(sc, t, sg, true), t,
                i -> PixelShuffleSteps.unshuffle(sam.forward(samTiles.narrow(0, i, 1), opts).imageEmbeddings(), 4));
        Tensor p2 = rec.run("mlp2", mlp2.flops((long) t * v2.size(1)), () -> mlp2.forward(v2));
        Tensor tokens = rec.run("interleave", 0, () -> SequenceConcat.interleave(p1, p2));
        return new PipelineResult(tokens, rec.stages(), Map.of("tiles", String.valueOf(t)));
    }

    @Override
    public List<StageTiming> plan(int width, int height) {
        return plan(cfg, width, height);
    }

    /** Shape-only dry run from the config alone (no weights). */
    public static List<StageTiming> plan(Config cfg, int width, int height) {
        DynamicPreprocess.Plan plan = DynamicPreprocess.plan(width, height, 1, cfg.maxTiles(), cfg.tileSize(), true);
        int t = plan.tileCount();
        VitConfig ic = cfg.internVit(), sc = cfg.sam();
        int ig = cfg.tileSize() / ic.patchSize(), sg = cfg.samRes() / sc.patchSize();
        long n1 = (long) (ig / 2) * (ig / 2), n2 = (long) (sg / 4) * (sg / 4);
        int h = cfg.llmHidden();
        int in1 = 4 * ic.hiddenSize(), in2 = 16 * sc.neckChannels();
        double nan = Double.NaN;
        List<StageTiming> out = new ArrayList<>();
        out.add(new StageTiming("preprocess-internvit", new long[] {t, 3, cfg.tileSize(), cfg.tileSize()}, 0, nan));
        out.add(new StageTiming("preprocess-sam", new long[] {t, 3, cfg.samRes(), cfg.samRes()}, 0, nan));
        out.add(new StageTiming("internvit", new long[] {t, n1, in1}, Flops.vit(ic, t, ig, ig, true, ic.numLayers()) / 1e9, nan));
        out.add(new StageTiming("mlp1", new long[] {t, n1, h}, Mlp2xGelu.flops(in1, h, t * n1) / 1e9, nan));
        out.add(new StageTiming("sam", new long[] {t, n2, in2},
                (Flops.vit(sc, t, sg, sg, false, sc.numLayers()) + Flops.samNeck(sc, t, sg, true)) / 1e9, nan));
        out.add(new StageTiming("mlp2", new long[] {t, n2, h}, Mlp2xGelu.flops(in2, h, t * n2) / 1e9, nan));
        out.add(new StageTiming("interleave", new long[] {t * (n1 + n2), h}, 0, nan));
        return out;
    }
}
