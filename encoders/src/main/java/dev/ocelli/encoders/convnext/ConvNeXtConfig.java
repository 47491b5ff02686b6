package dev.ocelli.encoders.convnext;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shape of a ConvNeXt trunk (Liu et al., "A ConvNet for the 2020s", CVPR 2022; timm
 * {@code convnext.py}): blocks per stage, channels per stage, LayerNorm eps, stem patch size and
 * the downsample kernel (= stride) between stages.
 *
 * <pre>
 *   preset             depths       dims                   eps   (timm / open_clip name)
 *   convnext-large     3,3,27,3     192,384,768,1536       1e-6  convnext_large, convnext_large_d_320, convnext_large_mlp
 *   convnext-xxlarge   3,4,30,3     384,768,1536,3072      1e-5  convnext_xxlarge (timm builds it with norm_eps=1e-5)
 * </pre>
 *
 * @param depths      blocks in each stage
 * @param dims        channels of each stage (stage 0 = stem output channels)
 * @param eps         eps of every LayerNorm in the trunk (stem, downsamples, blocks)
 * @param stemPatch   stem conv kernel = stride (4)
 * @param downsample  kernel = stride of the conv that opens stages 1.. (2)
 * @param inChannels  image channels (3)
 */
public record ConvNeXtConfig(int[] depths, int[] dims, float eps, int stemPatch, int downsample, int inChannels) {

    public static final float EPS_DEFAULT = 1e-6f;
    /** timm's convnext_xxlarge passes norm_eps=1e-5 (bf16/fp16 stability of the wide stages). */
    public static final float EPS_XXLARGE = 1e-5f;

    public ConvNeXtConfig {
        depths = depths.clone();
        dims = dims.clone();
        if (depths.length == 0 || depths.length != dims.length) {
            throw new IllegalArgumentException("ConvNeXt config: depths " + Arrays.toString(depths) + " and dims "
                    + Arrays.toString(dims) + " must be non-empty and of equal length");
        }
        for (int i = 0; i < depths.length; i++) {
            if (depths[i] < 0 || dims[i] <= 0) {
                throw new IllegalArgumentException("ConvNeXt config: bad stage " + i + " (depth " + depths[i]
                        + ", dim " + dims[i] + ")");
            }
        }
        if (!(eps > 0) || stemPatch <= 0 || downsample <= 0 || inChannels <= 0) {
            throw new IllegalArgumentException("ConvNeXt config: eps " + eps + ", stem patch " + stemPatch
                    + ", downsample " + downsample + ", in channels " + inChannels + " must be positive");
        }
    }

    /** A standard ConvNeXt (stem k4 s4, k2 s2 downsamples, RGB input). */
    public ConvNeXtConfig(int[] depths, int[] dims, float eps) {
        this(depths, dims, eps, 4, 2, 3);
    }

    /** ConvNeXt-L: LLaVA-HR's slow tower (convnext_large_mlp) and Mini-Gemini's (convnext_large_d_320). */
    public static ConvNeXtConfig large() {
        return new ConvNeXtConfig(new int[] {3, 3, 27, 3}, new int[] {192, 384, 768, 1536}, EPS_DEFAULT);
    }

    /** ConvNeXt-XXL: EAGLE's tower (open_clip convnext_xxlarge). */
    public static ConvNeXtConfig xxlarge() {
        return new ConvNeXtConfig(new int[] {3, 4, 30, 3}, new int[] {384, 768, 1536, 3072}, EPS_XXLARGE);
    }

    /** {@code convnext-large} or {@code convnext-xxlarge} (also accepts {@code large}, {@code xxlarge}, underscores). */
    public static ConvNeXtConfig preset(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "convnext-large", "large", "convnext-l" -> large();
            case "convnext-xxlarge", "xxlarge", "convnext-xxl" -> xxlarge();
            default -> throw new IllegalArgumentException("unknown ConvNeXt preset '" + name
                    + "' (convnext-large, convnext-xxlarge)");
        };
    }

    /**
     * The eps a checkpoint implies when nothing says it outright: 1e-5 for the XXL model (named so
     * in a config, e.g. open_clip's {@code timm_model_name: convnext_xxlarge}, or recognised by its
     * widths 384..3072), else timm's default 1e-6.
     */
    public static float impliedEps(String modelName, int[] dims) {
        if (modelName != null && modelName.toLowerCase(Locale.ROOT).contains("xxlarge")) {
            return EPS_XXLARGE;
        }
        if (modelName == null && Arrays.equals(dims, xxlarge().dims())) {
            return EPS_XXLARGE;
        }
        return EPS_DEFAULT;
    }

    public int stages() {
        return depths.length;
    }

    /** This config with another eps. */
    public ConvNeXtConfig withEps(float e) {
        return new ConvNeXtConfig(depths, dims, e, stemPatch, downsample, inChannels);
    }

    @Override
    public int[] depths() {
        return depths.clone();
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    int depth(int s) {
        return depths[s];
    }

    int dim(int s) {
        return dims[s];
    }

    /** Parameter count of the trunk (no head). */
    public long parameters() {
        long p = (long) dims[0] * inChannels * stemPatch * stemPatch + 3L * dims[0];
        for (int s = 0; s < depths.length; s++) {
            long c = dims[s];
            if (s > 0) {
                long ci = dims[s - 1];
                p += 2 * ci + c * ci * downsample * downsample + c;
            }
            p += depths[s] * (49 * c + c + 2 * c + 4 * c * c + 4 * c + 4 * c * c + c + c);
        }
        return p;
    }

    /**
     * Multiply-add FLOPs (2 per MAC) of one forward of a {@code height × width} image, all stages:
     * stem conv, downsample convs, per block depthwise 7×7 and the two Linears. Norms, GELU and the
     * residuals are left out (a few FLOPs per element, under 1% of the total).
     */
    public double flops(int height, int width) {
        long h = (height - stemPatch) / stemPatch + 1, w = (width - stemPatch) / stemPatch + 1;
        double f = 2.0 * h * w * dims[0] * inChannels * stemPatch * stemPatch;
        for (int s = 0; s < depths.length; s++) {
            double c = dims[s];
            if (s > 0) {
                h = (h - downsample) / downsample + 1;
                w = (w - downsample) / downsample + 1;
                f += 2.0 * h * w * c * dims[s - 1] * downsample * downsample;
            }
            f += depths[s] * (2.0 * h * w * c * 49 + 2 * 2.0 * h * w * c * 4 * c);
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvNeXtConfig c && Arrays.equals(depths, c.depths) && Arrays.equals(dims, c.dims)
                && Float.compare(eps, c.eps) == 0 && stemPatch == c.stemPatch && downsample == c.downsample
                && inChannels == c.inChannels;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(depths) * 31 + Arrays.hashCode(dims) * 17 + Float.hashCode(eps) + stemPatch + downsample;
    }

    @Override
    public String toString() {
        return "ConvNeXt(depths " + Arrays.toString(depths) + ", dims " + Arrays.toString(dims) + ", eps " + eps
                + ", stem k" + stemPatch + ", downsample k" + downsample + ")";
    }
}
