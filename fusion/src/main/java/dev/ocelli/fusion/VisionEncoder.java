package dev.ocelli.fusion;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.convnext.ConvNeXt;
import dev.ocelli.encoders.convnext.ConvNeXtConfig;
import dev.ocelli.encoders.preprocess.ImageDecoder;
import dev.ocelli.encoders.preprocess.ImageProcessor;
import dev.ocelli.encoders.preprocess.ProcessorConfig;
import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.encoders.vit.VitOptions;
import dev.ocelli.encoders.vit.VitOutput;
import dev.ocelli.encoders.vit.VisionTransformer;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.encoders.weights.WeightSource;
import dev.ocelli.fusion.pipeline.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One vision encoder on its own, with its preprocessing: what {@link Ocelli#encoder} returns.
 *
 * <pre>
 *   preset               preprocessing                          features
 *   clip-vit-l-14-336    CLIP processor 336                     last hidden state [1, 577, 1024]
 *   internvit-300m-448   InternVL build_transform 448           last hidden state [1, 1025, 1024]
 *   sam-vit-l            SAM processor 1024                     image embeddings  [1, 256, 64, 64]
 *   convnext-large       CLIP processor 768 (as Mini-Gemini)    last stage        [1, 1536, 24, 24]
 *   convnext-xxlarge     CLIP processor 1024 (as EAGLE)         last stage        [1, 3072, 32, 32]
 * </pre>
 * Immutable and thread-safe after loading; {@link #close()} releases the checkpoint mapping.
 */
public final class VisionEncoder implements AutoCloseable {

    public static final List<String> PRESETS = List.of("clip-vit-l-14-336", "internvit-300m-448", "sam-vit-l",
            "convnext-large", "convnext-xxlarge");

    private final String preset;
    private final VisionTransformer vit;
    private final ConvNeXt convnext;
    private final ImageProcessor processor;
    private final WeightSource source;

    private VisionEncoder(String preset, VisionTransformer vit, ConvNeXt convnext, ImageProcessor processor,
                          WeightSource source) {
        this.preset = preset;
        this.vit = vit;
        this.convnext = convnext;
        this.processor = processor;
        this.source = source;
    }

    static VisionEncoder open(String preset, Path checkpoint, long seed) {
        String p = preset.toLowerCase(Locale.ROOT);
        switch (p) {
            case "convnext-large", "convnext-xxlarge" -> {
                ConvNeXtConfig cfg = ConvNeXtConfig.preset(p);
                ImageProcessor proc = new ImageProcessor(ProcessorConfig.clip(p.equals("convnext-large") ? 768 : 1024));
                if (checkpoint == null) {
                    return new VisionEncoder(p, null, ConvNeXt.synthetic(cfg, seed), proc, null);
                }
                CheckpointWeights w = CheckpointWeights.open(checkpoint);
                try {
                    return new VisionEncoder(p, null, ConvNeXt.load(w, null, cfg), proc, w);
                } catch (RuntimeException e) {
                    w.close();
                    throw e;
                }
            }
            case "clip-vit-l-14-336", "internvit-300m-448", "sam-vit-l" -> {
                VitConfig cfg = VitConfig.preset(p);
                ImageProcessor proc = new ImageProcessor(ProcessorConfig.preset(p));
                VisionTransformer v = checkpoint == null ? VisionTransformer.synthetic(cfg, seed)
                        : VisionTransformer.load(checkpoint, cfg.family(), null, null);
                return new VisionEncoder(p, v, null, proc, v.weights());
            }
            default -> throw new IllegalArgumentException("unknown encoder preset '" + preset + "' ("
                    + String.join(", ", PRESETS) + ")");
        }
    }

    public String preset() {
        return preset;
    }

    /** Features of a decoded image (see the table above). */
    public Tensor encode(RgbImage image) {
        return encodePixels(processor.preprocess(image).toTensor());
    }

    public Tensor encode(Path imageFile) {
        return encode(ImageDecoder.read(imageFile));
    }

    public Tensor encode(BufferedImage image) {
        return encode(Images.fromBuffered(image));
    }

    /** Features of preprocessed pixel_values [B, 3, H, W]. */
    public Tensor encodePixels(Tensor pixelValues) {
        if (convnext != null) {
            return convnext.forward(pixelValues).last().contiguous();
        }
        VitOutput o = vit.forward(pixelValues, VitOptions.defaults().withKeepHiddenStates(false));
        return o.imageEmbeddings() != null ? o.imageEmbeddings() : o.lastHiddenState();
    }

    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
    }
}
