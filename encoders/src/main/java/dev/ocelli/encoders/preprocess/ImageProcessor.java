package dev.ocelli.encoders.preprocess;

import dev.ocelli.core.Tensor;
import java.nio.file.Path;
import java.util.List;

/**
 * HF's slow image processors ({@code CLIPImageProcessor}, {@code SamImageProcessor}) driven by a
 * {@link ProcessorConfig}, plus LLaVA's pad-to-square in front.
 *
 * <p>Order of operations, as in their {@code preprocess}: convert to RGB (done by
 * {@link ImageDecoder}) → resize with PIL ({@link PilResize}) → center crop on uint8 → rescale
 * (float64 multiply, stored as float32) → normalise (float32) → zero pad bottom/right (SAM) →
 * CHW. Output {@code pixel_values} is {@code [3, H, W]} float32 per image.
 *
 * <p>An instance is immutable and can be shared across threads.
 */
public final class ImageProcessor {

    private final ProcessorConfig config;

    public ImageProcessor(ProcessorConfig config) {
        this.config = config;
    }

    /** The processor for a preset name (see {@link ProcessorConfig#preset}). */
    public static ImageProcessor preset(String name) {
        return new ImageProcessor(ProcessorConfig.preset(name));
    }

    /** The checkpoint's {@code preprocessor_config.json} if present, else the preset. */
    public static ImageProcessor forCheckpoint(Path dir, String fallbackPreset) {
        return new ImageProcessor(ProcessorConfig.forCheckpoint(dir, fallbackPreset));
    }

    public ProcessorConfig config() {
        return config;
    }

    /**
     * The output of {@link #preprocess}.
     *
     * @param pixelValues    float32 {@code [3, height, width]}, C-order
     * @param height         rows of {@code pixelValues}
     * @param width          columns of {@code pixelValues}
     * @param originalHeight input rows (SAM's {@code original_sizes})
     * @param originalWidth  input columns
     * @param reshapedHeight rows after resize, before crop/pad (SAM's {@code reshaped_input_sizes})
     * @param reshapedWidth  columns after resize
     */
    public record Processed(float[] pixelValues, int height, int width,
                            int originalHeight, int originalWidth, int reshapedHeight, int reshapedWidth) {
        /** {@code [3, height, width]}. */
        public long[] shape() {
            return new long[] {3, height, width};
        }

        /** {@code pixel_values} of this image as a {@code [1, 3, H, W]} F32 tensor (wraps, no copy). */
        public Tensor toTensor() {
            return Tensor.of(pixelValues, 1, 3, height, width);
        }
    }

    /**
     * A batch {@code [B, 3, H, W]}, as HF's {@code return_tensors="pt"} stacks it. All images
     * must come out the same size (always true with a center crop or SAM's padding).
     */
    public Tensor pixelValues(List<RgbImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("pixelValues of an empty batch");
        }
        Processed first = null;
        float[] out = null;
        for (int i = 0; i < images.size(); i++) {
            Processed p = preprocess(images.get(i));
            if (first == null) {
                first = p;
                out = new float[Math.multiplyExact(p.pixelValues().length, images.size())];
            } else if (p.height() != first.height() || p.width() != first.width()) {
                throw new IllegalArgumentException("cannot batch: image " + i + " preprocesses to 3x" + p.height() + "x"
                        + p.width() + " but image 0 to 3x" + first.height() + "x" + first.width());
            }
            System.arraycopy(p.pixelValues(), 0, out, i * p.pixelValues().length, p.pixelValues().length);
        }
        return Tensor.of(out, images.size(), 3, first.height(), first.width());
    }

    /** The resize target {height, width} for an input of this size, or the input size if {@code do_resize} is off. */
    public int[] resizeTarget(int height, int width) {
        if (!config.doResize()) {
            return new int[] {height, width};
        }
        return switch (config.size()) {
            case ProcessorConfig.ShortestEdge s -> ImageOps.shortestEdgeSize(height, width, s.edge());
            case ProcessorConfig.LongestEdge l -> ImageOps.longestEdgeSize(height, width, l.edge());
            case ProcessorConfig.Exact e -> new int[] {e.height(), e.width()};
        };
    }

    /** The resized image (uint8), before crop. */
    public RgbImage resize(RgbImage img) {
        int[] hw = resizeTarget(img.height(), img.width());
        if (!config.doResize()) {
            return img;
        }
        return PilResize.resize(img, hw[1], hw[0], config.resample());
    }

    /** Resize then center crop, still uint8: the stage the reference tests compare byte for byte. */
    public RgbImage resizeAndCrop(RgbImage img) {
        RgbImage r = resize(img);
        return config.doCenterCrop() ? ImageOps.centerCrop(r, config.cropHeight(), config.cropWidth()) : r;
    }

    /** The full pipeline for one image. */
    public Processed preprocess(RgbImage img) {
        RgbImage resized = resize(img);
        RgbImage cropped = config.doCenterCrop()
                ? ImageOps.centerCrop(resized, config.cropHeight(), config.cropWidth()) : resized;
        int h = cropped.height(), w = cropped.width();
        int outH = h, outW = w;
        if (config.doPad()) {
            if (config.padHeight() < h || config.padWidth() < w) {
                throw new IllegalArgumentException("pad_size " + config.padHeight() + "x" + config.padWidth()
                        + " is smaller than the resized image " + h + "x" + w);
            }
            outH = config.padHeight();
            outW = config.padWidth();
        }
        float[] out = new float[Math.multiplyExact(3, Math.multiplyExact(outH, outW))];
        if (outH == h && outW == w) {
            ImageOps.toNormalizedChw(out, 0, cropped, config.doRescale(), config.rescaleFactor(),
                    config.doNormalize(), config.imageMean(), config.imageStd());
        } else {
            // SAM pads after normalising, so the padding is 0.0 in normalised space
            float[] tmp = new float[3 * h * w];
            ImageOps.toNormalizedChw(tmp, 0, cropped, config.doRescale(), config.rescaleFactor(),
                    config.doNormalize(), config.imageMean(), config.imageStd());
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(tmp, (c * h + y) * w, out, (c * outH + y) * outW, w);
                }
            }
        }
        return new Processed(out, outH, outW, img.height(), img.width(), resized.height(), resized.width());
    }

    /**
     * LLaVA's {@code image_aspect_ratio == "pad"} path: {@link ImageOps#expandToSquare} with this
     * processor's mean colour, then {@link #preprocess}.
     */
    public Processed preprocessPadded(RgbImage img) {
        return preprocess(ImageOps.expandToSquare(img, config.imageMean()));
    }
}
