package dev.ocelli.encoders.preprocess;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parameters of an HF image processor, as {@code preprocessor_config.json} holds them.
 *
 * <p>Field names follow the JSON keys. Missing keys take the defaults of the processor class the
 * file names in {@code image_processor_type} ({@code CLIPImageProcessor} unless it says
 * {@code SamImageProcessor}), as {@code from_pretrained} does.
 *
 * @param doResize      {@code do_resize}
 * @param size          {@code size}: shortest edge (CLIP), longest edge (SAM) or exact height × width
 * @param resample      {@code resample} as a PIL filter (3 = BICUBIC for CLIP, 2 = BILINEAR for SAM)
 * @param doCenterCrop  {@code do_center_crop}
 * @param cropHeight    {@code crop_size["height"]}
 * @param cropWidth     {@code crop_size["width"]}
 * @param doRescale     {@code do_rescale}
 * @param rescaleFactor {@code rescale_factor} (1/255)
 * @param doNormalize   {@code do_normalize}
 * @param imageMean     {@code image_mean}, per channel, as float32 (HF casts it to the image dtype)
 * @param imageStd      {@code image_std}, per channel, as float32
 * @param doPad         {@code do_pad} (SAM: zero pad bottom/right after normalising)
 * @param padHeight     {@code pad_size["height"]}
 * @param padWidth      {@code pad_size["width"]}
 */
public record ProcessorConfig(
        boolean doResize, Size size, PilResize.Filter resample,
        boolean doCenterCrop, int cropHeight, int cropWidth,
        boolean doRescale, double rescaleFactor,
        boolean doNormalize, float[] imageMean, float[] imageStd,
        boolean doPad, int padHeight, int padWidth) {

    /** OpenAI CLIP's mean/std ({@code OPENAI_CLIP_MEAN}/{@code OPENAI_CLIP_STD} in transformers). */
    public static final float[] OPENAI_CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] OPENAI_CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    /** ImageNet mean/std ({@code IMAGENET_DEFAULT_MEAN}/{@code _STD}), used by SAM and InternVL. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** Python's {@code 1 / 255}. */
    public static final double RESCALE_1_255 = 1.0 / 255;

    /** How {@code size} is interpreted. */
    public sealed interface Size permits ShortestEdge, LongestEdge, Exact {
    }

    /** {@code {"shortest_edge": n}}: shorter side → n, longer side → {@code int(n * long / short)}. */
    public record ShortestEdge(int edge) implements Size {
    }

    /** {@code {"longest_edge": n}}: longer side → n, each side → {@code int(side * n / long + 0.5)} (SAM). */
    public record LongestEdge(int edge) implements Size {
    }

    /** {@code {"height": h, "width": w}}: resized to exactly h × w. */
    public record Exact(int height, int width) implements Size {
    }

    public ProcessorConfig {
        if (imageMean.length != 3 || imageStd.length != 3) {
            throw new IllegalArgumentException("image_mean and image_std must have 3 entries, got "
                    + imageMean.length + " and " + imageStd.length);
        }
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessorConfig c && doResize == c.doResize && size.equals(c.size) && resample == c.resample
                && doCenterCrop == c.doCenterCrop && cropHeight == c.cropHeight && cropWidth == c.cropWidth
                && doRescale == c.doRescale && Double.compare(rescaleFactor, c.rescaleFactor) == 0
                && doNormalize == c.doNormalize && java.util.Arrays.equals(imageMean, c.imageMean)
                && java.util.Arrays.equals(imageStd, c.imageStd) && doPad == c.doPad && padHeight == c.padHeight
                && padWidth == c.padWidth;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(doResize, size, resample, doCenterCrop, cropHeight, cropWidth, doRescale,
                rescaleFactor, doNormalize, java.util.Arrays.hashCode(imageMean), java.util.Arrays.hashCode(imageStd),
                doPad, padHeight, padWidth);
    }

    @Override
    public String toString() {
        return "ProcessorConfig[size=" + size + ", resample=" + resample + (doResize ? "" : " (off)")
                + ", crop=" + (doCenterCrop ? cropHeight + "x" + cropWidth : "off")
                + ", rescale=" + (doRescale ? rescaleFactor : "off")
                + ", mean=" + java.util.Arrays.toString(imageMean) + ", std=" + java.util.Arrays.toString(imageStd)
                + (doNormalize ? "" : " (off)") + ", pad=" + (doPad ? padHeight + "x" + padWidth : "off") + "]";
    }

    @Override
    public float[] imageMean() {
        return imageMean.clone();
    }

    @Override
    public float[] imageStd() {
        return imageStd.clone();
    }

    /** HF {@code CLIPImageProcessor} at shortest edge / crop {@code n}, OpenAI mean/std. */
    public static ProcessorConfig clip(int n) {
        return new ProcessorConfig(true, new ShortestEdge(n), PilResize.Filter.BICUBIC, true, n, n,
                true, RESCALE_1_255, true, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD, false, 0, 0);
    }

    /** HF {@code SamImageProcessor}: longest edge 1024, bilinear, ImageNet mean/std, zero pad to 1024². */
    public static ProcessorConfig sam() {
        return new ProcessorConfig(true, new LongestEdge(1024), PilResize.Filter.BILINEAR, false, 0, 0,
                true, RESCALE_1_255, true, IMAGENET_MEAN, IMAGENET_STD, true, 1024, 1024);
    }

    /** InternVL's {@code build_transform(448)}: Resize((448, 448), BICUBIC), ToTensor, ImageNet Normalize. */
    public static ProcessorConfig internVl(int imageSize) {
        return new ProcessorConfig(true, new Exact(imageSize, imageSize), PilResize.Filter.BICUBIC, false, 0, 0,
                true, RESCALE_1_255, true, IMAGENET_MEAN, IMAGENET_STD, false, 0, 0);
    }

    /**
     * Named presets: {@code clip-vit-l-14-336} (336), {@code clip-vit-l-14} (224), {@code sam-vit-l},
     * {@code internvit-300m-448}.
     */
    public static ProcessorConfig preset(String name) {
        return switch (name) {
            case "clip-vit-l-14-336" -> clip(336);
            case "clip-vit-l-14" -> clip(224);
            case "sam-vit-l" -> sam();
            case "internvit-300m-448" -> internVl(448);
            default -> throw new IllegalArgumentException("unknown preprocessing preset '" + name
                    + "'; known: clip-vit-l-14-336, clip-vit-l-14, sam-vit-l, internvit-300m-448");
        };
    }

    /**
     * The config in {@code dir/preprocessor_config.json} when the checkpoint directory has one,
     * otherwise the named preset.
     */
    public static ProcessorConfig forCheckpoint(Path dir, String fallbackPreset) {
        Path f = dir.resolve("preprocessor_config.json");
        return Files.isRegularFile(f) ? read(f) : preset(fallbackPreset);
    }

    /** Parses a {@code preprocessor_config.json}. */
    public static ProcessorConfig read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses the JSON text of a {@code preprocessor_config.json}; {@code name} appears in errors. */
    public static ProcessorConfig parse(String json, String name) {
        Raw raw = new Raw();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(name + ": expected a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                switch (key) {
                    case "image_processor_type", "feature_extractor_type" -> {
                        if (t == JsonToken.VALUE_STRING && raw.type == null) {
                            raw.type = p.getText();
                        }
                    }
                    case "do_resize" -> raw.doResize = bool(p, name, key);
                    case "do_center_crop" -> raw.doCenterCrop = bool(p, name, key);
                    case "do_rescale" -> raw.doRescale = bool(p, name, key);
                    case "do_normalize" -> raw.doNormalize = bool(p, name, key);
                    case "do_pad" -> raw.doPad = bool(p, name, key);
                    case "resample" -> raw.resample = p.getIntValue();
                    case "rescale_factor" -> raw.rescaleFactor = p.getDoubleValue();
                    case "size" -> raw.size = sizeValue(p, name, key);
                    case "crop_size" -> raw.cropSize = sizeValue(p, name, key);
                    case "pad_size" -> raw.padSize = sizeValue(p, name, key);
                    case "image_mean" -> raw.mean = floats(p, name, key);
                    case "image_std" -> raw.std = floats(p, name, key);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": invalid JSON: " + e.getMessage().split("\n")[0], e);
        }
        return raw.build(name);
    }

    private static boolean bool(JsonParser p, String name, String key) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw new IllegalArgumentException(name + ": " + key + " must be true or false, got " + p.getText());
        }
        return t == JsonToken.VALUE_TRUE;
    }

    private static float[] floats(JsonParser p, String name, String key) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT || p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            float v = (float) p.getDoubleValue(); // a single number applies to every channel
            return new float[] {v, v, v};
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException(name + ": " + key + " must be a number or a list of numbers");
        }
        List<Float> vals = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            vals.add((float) p.getDoubleValue()); // Python float → numpy float32, round to nearest
        }
        float[] out = new float[vals.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = vals.get(i);
        }
        return out;
    }

    /** An int, or a dict with shortest_edge / longest_edge / height+width; stored as {kind, a, b}. */
    private static int[] sizeValue(JsonParser p, String name, String key) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            return new int[] {0, p.getIntValue(), 0};
        }
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException(name + ": " + key + " must be an int or an object, got " + p.getText());
        }
        int shortest = -1, longest = -1, h = -1, w = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            p.nextToken();
            switch (k) {
                case "shortest_edge" -> shortest = p.getIntValue();
                case "longest_edge" -> longest = p.getIntValue();
                case "height" -> h = p.getIntValue();
                case "width" -> w = p.getIntValue();
                default -> p.skipChildren();
            }
        }
        if (h > 0 && w > 0) {
            return new int[] {3, h, w};
        }
        if (shortest > 0) {
            return new int[] {1, shortest, 0};
        }
        if (longest > 0) {
            return new int[] {2, longest, 0};
        }
        throw new IllegalArgumentException(name + ": " + key
                + " must contain shortest_edge, longest_edge, or height and width");
    }

    /** Values as read; {@code null} means "not in the file". */
    private static final class Raw {
        String type;
        Boolean doResize, doCenterCrop, doRescale, doNormalize, doPad;
        Integer resample;
        Double rescaleFactor;
        int[] size, cropSize, padSize;
        float[] mean, std;

        ProcessorConfig build(String name) {
            boolean isSam = type != null && type.toLowerCase(Locale.ROOT).startsWith("sam");
            ProcessorConfig d = isSam ? sam() : clip(224);
            Size s = d.size();
            if (size != null) {
                s = switch (size[0]) {
                    // a bare int: CLIP treats it as the shortest edge, SAM as the longest edge
                    case 0 -> isSam ? new LongestEdge(size[1]) : new ShortestEdge(size[1]);
                    case 1 -> new ShortestEdge(size[1]);
                    case 2 -> new LongestEdge(size[1]);
                    default -> new Exact(size[1], size[2]);
                };
            }
            int ch = d.cropHeight(), cw = d.cropWidth();
            if (cropSize != null) {
                if (cropSize[0] == 0 || cropSize[0] == 1 || cropSize[0] == 2) {
                    ch = cw = cropSize[1];
                } else {
                    ch = cropSize[1];
                    cw = cropSize[2];
                }
            }
            int ph = d.padHeight(), pw = d.padWidth();
            if (padSize != null) {
                if (padSize[0] == 3) {
                    ph = padSize[1];
                    pw = padSize[2];
                } else {
                    ph = pw = padSize[1];
                }
            }
            return new ProcessorConfig(
                    doResize != null ? doResize : d.doResize(),
                    s,
                    resample != null ? PilResize.Filter.fromPilCode(resample) : d.resample(),
                    doCenterCrop != null ? doCenterCrop : d.doCenterCrop(), ch, cw,
                    doRescale != null ? doRescale : d.doRescale(),
                    rescaleFactor != null ? rescaleFactor : d.rescaleFactor(),
                    doNormalize != null ? doNormalize : d.doNormalize(),
                    mean != null ? mean : d.imageMean(),
                    std != null ? std : d.imageStd(),
                    doPad != null ? doPad : d.doPad(), ph, pw);
        }
    }
}
