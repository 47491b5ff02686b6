package dev.ocelli.fusion.pipeline;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.preprocess.ImageDecoder;
import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.weights.WeightSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One published system's vision side: image → preprocessing → encoders → fusion → projector →
 * visual tokens [tokens, llmHidden], with per-stage timings.
 *
 * <p>A loaded pipeline is immutable and thread-safe: every {@code encode} allocates its own
 * activations and only reads the weights. {@link #close()} releases the checkpoint mappings; the
 * pipeline must not be used afterwards.
 */
public abstract class FusionPipeline implements AutoCloseable {

    private final List<WeightSource> sources;

    protected FusionPipeline(List<WeightSource> sources) {
        this.sources = List.copyOf(sources);
    }

    /** The pipeline's name: mini-gemini, mini-gemini-hd, llava-hr, eagle, leo. */
    public abstract String name();

    /** Width of the tokens (the LLM's hidden size). */
    public abstract int llmHidden();

    /** Runs the whole pipeline on a decoded image. */
    public PipelineResult encode(RgbImage image) {
        return encode(image, ProgressListener.NONE);
    }

    /** {@link #encode(RgbImage)}, reporting each stage (LEO: each tile) to {@code progress}. */
    public abstract PipelineResult encode(RgbImage image, ProgressListener progress);

    /** Reads an image file (EXIF orientation applied) and runs {@link #encode(RgbImage)}. */
    public PipelineResult encode(Path imageFile) {
        return encode(imageFile, ProgressListener.NONE);
    }

    /** {@link #encode(Path)}, reporting each stage (LEO: each tile) to {@code progress}. */
    public PipelineResult encode(Path imageFile, ProgressListener progress) {
        return encode(ImageDecoder.read(imageFile), progress);
    }

    /** Runs on an AWT image (converted through {@link Images#fromBuffered}, sRGB, alpha dropped). */
    public PipelineResult encode(java.awt.image.BufferedImage image) {
        return encode(Images.fromBuffered(image));
    }

    /** Runs from an already preprocessed pixel tensor (see each pipeline for what it expects). */
    public PipelineResult encodePixels(Tensor pixelValues) {
        return encodePixels(pixelValues, ProgressListener.NONE);
    }

    /** {@link #encodePixels(Tensor)}, reporting each stage (LEO: each tile) to {@code progress}. */
    public abstract PipelineResult encodePixels(Tensor pixelValues, ProgressListener progress);

    /**
     * Progress units of one run: the plan's stages, without the preprocessing ones when the run
     * starts from pixels.
     */
    long units(int width, int height, boolean fromImage) {
        return plan(width, height).stream().filter(s -> fromImage || !s.name().startsWith("preprocess")).count();
    }

    /** {@link #units} of a run from {@code pixelValues} [.., H, W] (any rank: a bad one fails later, with its own message). */
    long units(Tensor pixelValues) {
        int r = pixelValues.rank();
        return units(r >= 1 ? (int) pixelValues.size(r - 1) : 1, r >= 2 ? (int) pixelValues.size(r - 2) : 1, false);
    }

    /**
     * Shape-only dry run for an image of {@code width × height}: each stage's output shape and
     * GFLOP, no arithmetic (times are NaN). The last stage's shape is the token tensor's.
     */
    public abstract List<StageTiming> plan(int width, int height);

    /** True when every weight is synthetic. */
    public boolean isSynthetic() {
        return sources.stream().allMatch(WeightSource::isSynthetic);
    }

    /** One line per weight source. */
    public List<String> describeWeights() {
        List<String> out = new ArrayList<>();
        for (WeightSource s : sources) {
            out.add(s.describe());
        }
        return out;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (WeightSource s : sources) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
