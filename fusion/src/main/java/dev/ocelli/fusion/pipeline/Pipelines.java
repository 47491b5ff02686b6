package dev.ocelli.fusion.pipeline;

import dev.ocelli.encoders.convnext.ConvNeXt;
import dev.ocelli.encoders.vit.VisionTransformer;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.encoders.weights.WeightSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The five pipelines by name: synthetic, from a checkpoint, or as a shape-only plan. */
public final class Pipelines {

    public static final List<String> NAMES = List.of("mini-gemini", "mini-gemini-hd", "llava-hr", "eagle", "leo");
    public static final int DEFAULT_LLM_HIDDEN = 4096;
    public static final int DEFAULT_MAX_TILES = 6;

    private Pipelines() {
    }

    static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
        if (!NAMES.contains(n)) {
            throw new IllegalArgumentException("unknown pipeline '" + name + "' (" + String.join(", ", NAMES) + ")");
        }
        return n;
    }

    /** Full-size pipeline with deterministic synthetic weights. */
    public static FusionPipeline synthetic(String name, int llmHidden, int maxTiles, long seed) {
        return synthetic(name, llmHidden, maxTiles, seed, ProgressListener.NONE);
    }

    /** {@link #synthetic(String, int, int, long)}, reporting each tower's weights to {@code progress}. */
    public static FusionPipeline synthetic(String name, int llmHidden, int maxTiles, long seed, ProgressListener progress) {
        return switch (canonical(name)) {
            case "mini-gemini" -> MiniGemini.synthetic(MiniGemini.Config.standard(llmHidden), seed, progress);
            case "mini-gemini-hd" -> MiniGemini.synthetic(MiniGemini.Config.hd(llmHidden), seed, progress);
            case "llava-hr" -> LlavaHr.synthetic(LlavaHr.Config.standard(llmHidden), seed, progress);
            case "eagle" -> Eagle.synthetic(Eagle.Config.standard(llmHidden), seed, progress);
            default -> Leo.synthetic(Leo.Config.standard(llmHidden).withMaxTiles(maxTiles), seed, progress);
        };
    }

    /**
     * From a checkpoint file or directory in the project's released key layout; encoder
     * architectures are inferred from the keys, the projector width from its weights. The
     * pipeline owns the opened checkpoint and closes it in {@link FusionPipeline#close()}.
     */
    public static FusionPipeline load(String name, Path checkpoint, int maxTiles) {
        return load(name, checkpoint, maxTiles, ProgressListener.NONE);
    }

    /** {@link #load(String, Path, int)}, reporting each tower to {@code progress}. */
    public static FusionPipeline load(String name, Path checkpoint, int maxTiles, ProgressListener progress) {
        String n = canonical(name);
        WeightSource w = CheckpointWeights.open(checkpoint);
        try {
            return switch (n) {
                case "mini-gemini" -> MiniGemini.load(w, new MiniGemini.Config(null, null, 336, 768, 1, 0), progress);
                case "mini-gemini-hd" -> MiniGemini.load(w, new MiniGemini.Config(null, null, 336, 1536, 2, 0), progress);
                case "llava-hr" -> LlavaHr.load(w, new LlavaHr.Config(null, null, 1024, 0, 0), progress);
                case "eagle" -> Eagle.load(w, new Eagle.Config(null, null, null, 1024, 336, 32, 0), progress);
                default -> Leo.load(w, new Leo.Config(null, null, 448, 1024, maxTiles, 0), progress);
            };
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /**
     * From separate encoder checkpoints plus one file with the fusion weights (adapters,
     * projectors) in the project's released names. {@code encoders} in tower order:
     * mini-gemini(-hd) and llava-hr: CLIP, ConvNeXt; eagle: CLIP, ConvNeXt, SAM (short neck);
     * leo: InternViT, SAM. Each ViT directory's config.json (or its keys) gives its architecture,
     * the ConvNeXt's is inferred from its keys.
     */
    public static FusionPipeline compose(String name, List<Path> encoders, Path fusionWeights, int maxTiles) {
        String n = canonical(name);
        int want = n.equals("eagle") ? 3 : 2;
        if (encoders.size() != want) {
            throw new IllegalArgumentException(n + " is composed from " + want + " encoder checkpoints ("
                    + (n.equals("eagle") ? "CLIP, ConvNeXt, SAM" : n.equals("leo") ? "InternViT, SAM" : "CLIP, ConvNeXt")
                    + ") plus the fusion weights; got " + encoders.size());
        }
        List<WeightSource> opened = new ArrayList<>();
        try {
            WeightSource fusion = track(opened, CheckpointWeights.open(fusionWeights));
            switch (n) {
                case "leo" -> {
                    VisionTransformer iv = track(opened, VisionTransformer.load(encoders.get(0), VitConfig.Family.INTERNVIT, null, null));
                    VisionTransformer sam = track(opened, VisionTransformer.load(encoders.get(1), VitConfig.Family.SAM, null, null));
                    return Leo.compose(new Leo.Config(null, null, 448, 1024, maxTiles, 0), iv, sam, fusion, opened);
                }
                default -> {
                    VisionTransformer clip = track(opened, VisionTransformer.load(encoders.get(0), VitConfig.Family.CLIP, null, null));
                    WeightSource cw = track(opened, CheckpointWeights.open(encoders.get(1)));
                    ConvNeXt cnx = ConvNeXt.load(cw, null, ConvNeXt.impliedEps(encoders.get(1)));
                    return switch (n) {
                        case "mini-gemini" -> MiniGemini.compose(new MiniGemini.Config(null, null, 336, 768, 1, 0), clip, cnx,
                                fusion, opened);
                        case "mini-gemini-hd" -> MiniGemini.compose(new MiniGemini.Config(null, null, 336, 1536, 2, 0), clip,
                                cnx, fusion, opened);
                        case "llava-hr" -> LlavaHr.compose(new LlavaHr.Config(null, null, 1024, 0, 0), clip, cnx, fusion, opened);
                        default -> {
                            VisionTransformer sam = track(opened, VisionTransformer.load(encoders.get(2), VitConfig.Family.SAM, null, null));
                            yield Eagle.compose(new Eagle.Config(null, null, null, 1024, 336, 32, 0), clip, cnx, sam, fusion, opened);
                        }
                    };
                }
            }
        } catch (RuntimeException e) {
            for (WeightSource w : opened) {
                w.close();
            }
            throw e;
        }
    }

    private static WeightSource track(List<WeightSource> opened, WeightSource w) {
        opened.add(w);
        return w;
    }

    private static VisionTransformer track(List<WeightSource> opened, VisionTransformer v) {
        opened.add(v.weights());
        return v;
    }

    /** Shape-only dry run of the full-size pipeline for a {@code width × height} image (no weights, no arithmetic). */
    public static List<StageTiming> plan(String name, int llmHidden, int maxTiles, int width, int height) {
        return switch (canonical(name)) {
            case "mini-gemini" -> MiniGemini.plan(MiniGemini.Config.standard(llmHidden), width, height);
            case "mini-gemini-hd" -> MiniGemini.plan(MiniGemini.Config.hd(llmHidden), width, height);
            case "llava-hr" -> LlavaHr.plan(LlavaHr.Config.standard(llmHidden), width, height);
            case "eagle" -> Eagle.plan(Eagle.Config.standard(llmHidden), width, height);
            default -> Leo.plan(Leo.Config.standard(llmHidden).withMaxTiles(maxTiles), width, height);
        };
    }
}
