package dev.ocelli.fusion;

import dev.ocelli.fusion.pipeline.FusionPipeline;
import dev.ocelli.fusion.pipeline.Pipelines;
import dev.ocelli.fusion.pipeline.ProgressListener;
import dev.ocelli.fusion.pipeline.StageTiming;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry point for embedding Ocelli in a JVM: load one of the five fusion pipelines (or a single
 * encoder) and turn images into the visual tokens each published system hands to its LLM.
 *
 * <pre>{@code
 * try (FusionPipeline p = Ocelli.pipeline("mini-gemini")) {          // synthetic weights, H = 4096
 *     PipelineResult r = p.encode(Path.of("photo.jpg"));
 *     Tensor tokens = r.tokens();                                    // [576, 4096]
 *     float[] flat = r.tokensAsArray();
 *     r.stages().forEach(System.out::println);                       // shape, GFLOP, ms per stage
 * }
 * }</pre>
 *
 * <p>Pipelines: {@code mini-gemini} (336/768, 576 tokens), {@code mini-gemini-hd} (672/1536, 2880),
 * {@code llava-hr} (1024, 1024), {@code eagle} (1024, 1024), {@code leo} (448 tiles, 512 per tile).
 * A loaded pipeline is immutable and may be shared between threads; each call allocates its own
 * activations. {@code close()} releases the memory-mapped checkpoint; don't use it afterwards.
 * To follow a long run, pass a {@link ProgressListener} to {@link #pipeline(String, Options,
 * ProgressListener)} (one unit per tower while loading) and to {@code encode(image, listener)}
 * (one per stage, per tile for LEO); the CLI draws its progress bars from these.
 */
public final class Ocelli {

    /** Seed of the synthetic weights when none is given (the demo's). */
    public static final long DEFAULT_SEED = 42;

    private Ocelli() {
    }

    /**
     * How to build a pipeline.
     *
     * @param checkpoint a checkpoint file or directory in the project's released key layout, or
     *                   null for deterministic synthetic weights at full size
     * @param llmHidden  projector width for synthetic weights (a checkpoint's own width wins)
     * @param maxTiles   LEO's {@code max_num} for dynamic tiling
     * @param seed       synthetic-weight seed
     */
    public record Options(Path checkpoint, int llmHidden, int maxTiles, long seed) {

        public static Options defaults() {
            return new Options(null, Pipelines.DEFAULT_LLM_HIDDEN, Pipelines.DEFAULT_MAX_TILES, DEFAULT_SEED);
        }

        public Options withCheckpoint(Path p) {
            return new Options(p, llmHidden, maxTiles, seed);
        }

        public Options withLlmHidden(int h) {
            return new Options(checkpoint, h, maxTiles, seed);
        }

        public Options withMaxTiles(int n) {
            return new Options(checkpoint, llmHidden, n, seed);
        }

        public Options withSeed(long s) {
            return new Options(checkpoint, llmHidden, maxTiles, s);
        }
    }

    /** The names {@link #pipeline} accepts. */
    public static List<String> pipelines() {
        return Pipelines.NAMES;
    }

    /** A full-size pipeline with synthetic weights and the defaults (H = 4096, 6 tiles). */
    public static FusionPipeline pipeline(String name) {
        return pipeline(name, Options.defaults());
    }

    /** A pipeline from a checkpoint in the project's released layout. */
    public static FusionPipeline pipeline(String name, Path checkpoint) {
        return pipeline(name, Options.defaults().withCheckpoint(checkpoint));
    }

    public static FusionPipeline pipeline(String name, Options options) {
        return pipeline(name, options, ProgressListener.NONE);
    }

    /**
     * {@link #pipeline(String, Options)}, reporting the {@code "load"} phase (one unit per tower,
     * one for the fusion weights) to {@code progress}.
     */
    public static FusionPipeline pipeline(String name, Options options, ProgressListener progress) {
        if (options.checkpoint() == null) {
            return Pipelines.synthetic(name, options.llmHidden(), options.maxTiles(), options.seed(), progress);
        }
        return Pipelines.load(name, options.checkpoint(), options.maxTiles(), progress);
    }

    /**
     * A pipeline composed from separate encoder checkpoints plus one file with the fusion weights
     * (adapters, projectors) in the project's released names; {@code encoders} in tower order
     * (mini-gemini, llava-hr: CLIP, ConvNeXt; eagle: CLIP, ConvNeXt, SAM; leo: InternViT, SAM).
     */
    public static FusionPipeline compose(String name, List<Path> encoders, Path fusionWeights, Options options) {
        return Pipelines.compose(name, encoders, fusionWeights, options.maxTiles());
    }

    /** Shape-only dry run of a full-size pipeline: stage shapes and GFLOP, no weights needed. */
    public static List<StageTiming> plan(String name, Options options, int width, int height) {
        return Pipelines.plan(name, options.llmHidden(), options.maxTiles(), width, height);
    }

    /** A single encoder with synthetic weights ({@link VisionEncoder#PRESETS}). */
    public static VisionEncoder encoder(String preset) {
        return VisionEncoder.open(preset, null, DEFAULT_SEED);
    }

    /** A single encoder from a checkpoint file or directory, architecture from the preset. */
    public static VisionEncoder encoder(String preset, Path checkpoint) {
        return VisionEncoder.open(preset, checkpoint, DEFAULT_SEED);
    }
}
