package dev.ocelli.fusion.pipeline;

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
        this.internVlProcessor = new ImageProcessor(ProcessorConfig.internVl(cfg.tileSize()));
        ProcessorConfig s = ProcessorConfig.sam();
        this.samProcessor = new ImageProcessor(new ProcessorConfig(true, new ProcessorConfig.LongestEdge(cfg.samRes()),
                s.resample(), false, 0, 0, true, s.rescaleFactor(), true, s.imageMean(), s.imageStd(), true, cfg.samRes(),
                cfg.samRes()));
    }

    public static Leo synthetic(Config cfg, long seed) {
        VisionTransformer iv = VisionTransformer.synthetic(cfg.internVit(), seed);
        VisionTransformer sam = VisionTransformer.synthetic(cfg.sam(), seed + 1);
        List<ParamSpec> ps = new ArrayList<>();
        LnMlp.parameters("mlp1.", 4 * cfg.internVit().hiddenSize(), cfg.llmHidden(), ps);
        LnMlp.parameters("mlp2.", 16 * cfg.sam().neckChannels(), cfg.llmHidden(), ps);
        SyntheticWeights fw = SyntheticWeights.generate(ps, seed + 2);
        return new Leo(cfg, iv, sam, fw, List.of(iv.weights(), sam.weights(), fw));
    }

    public static Leo load(WeightSource w, Config cfg) {
        VitConfig ic = cfg.internVit() != null ? cfg.internVit()
                : VitConfig.infer(VitConfig.Family.INTERNVIT, StateDict.detect(w, null, "encoder.layers.0.ls1"));
        VisionTransformer iv = VisionTransformer.load(w, ic, null);
        VitConfig sc = cfg.sam() != null ? cfg.sam()
                : VitConfig.infer(VitConfig.Family.SAM, StateDict.detect(w, null, "patch_embed.projection.weight"));
        VisionTransformer sam = VisionTransformer.load(w, sc, null);
        return new Leo(cfg, iv, sam, w, List.of(w));
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
    public PipelineResult encode(RgbImage image) {
        Recorder rec = new Recorder();
        DynamicPreprocess.Plan plan = DynamicPreprocess.plan(image.width(), image.height(), 1, cfg.maxTiles(),
                cfg.tileSize(), true);
        List<RgbImage> tiles = DynamicPreprocess.tiles(image, plan);
        int t = tiles.size();
        Tensor iv = rec.run("preprocess-internvit", 0, () -> internVlProcessor.pixelValues(tiles));
        Tensor sm = rec.run("preprocess-sam", 0, () -> samProcessor.pixelValues(tiles));
        PipelineResult r = encodeTiles(iv, sm, rec);
        return new PipelineResult(r.tokens(), r.stages(), Map.of("tiles", String.valueOf(t),
                "grid", plan.cols() + "x" + plan.rows(), "thumbnail", String.valueOf(plan.thumbnail())));
    }

    /** Not available: LEO's two encoders take differently processed tiles; use {@link #encodeTiles}. */
    @Override
    public PipelineResult encodePixels(Tensor pixelValues) {
        throw new UnsupportedOperationException("leo takes two preprocessed tile stacks (InternViT [T,3,448,448] and "
                + "SAM [T,3,1024,1024]); use encodeTiles(internVitTiles, samTiles) or encode(image)");
    }

    /** internVitTiles [T, 3, 448, 448] (build_transform), samTiles [T, 3, 1024, 1024] (SAM processor). */
    public PipelineResult encodeTiles(Tensor internVitTiles, Tensor samTiles) {
        return encodeTiles(internVitTiles, samTiles, new Recorder());
    }

    private PipelineResult encodeTiles(Tensor ivTiles, Tensor samTiles, Recorder rec) {
        int t = (int) ivTiles.size(0);
        if (samTiles.size(0) != t) {
            throw new IllegalArgumentException("leo: " + t + " InternViT tiles but " + samTiles.size(0) + " SAM tiles");
        }
        VitConfig ic = internVit.config(), sc = sam.config();
        int ig = cfg.tileSize() / ic.patchSize(), sg = cfg.samRes() / sc.patchSize();
        VitOptions opts = new VitOptions(false, VitOptions.PosResize.BICUBIC, false);
        Tensor v1 = rec.run("internvit", Flops.vit(ic, t, ig, ig, true, ic.numLayers()), () -> {
            List<Tensor> outs = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                outs.add(PixelShuffleSteps.internVl(internVit.forward(ivTiles.narrow(0, i, 1), opts).lastHiddenState()));
            }
            return Tensor.concat(0, outs);
        });
        Tensor p1 = rec.run("mlp1", mlp1.flops((long) t * v1.size(1)), () -> mlp1.forward(v1));
        Tensor v2 = rec.run("sam", Flops.vit(sc, t, sg, sg, false, sc.numLayers()) + Flops.samNeck(sc, t, sg, true), () -> {
            List<Tensor> outs = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                outs.add(PixelShuffleSteps.unshuffle(sam.forward(samTiles.narrow(0, i, 1), opts).imageEmbeddings(), 4));
            }
            return Tensor.concat(0, outs);
        });
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
