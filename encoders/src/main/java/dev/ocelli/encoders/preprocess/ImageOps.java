package dev.ocelli.encoders.preprocess;

/**
 * The geometric and numeric steps the HF processors, LLaVA and InternVL share, each with the
 * exact rounding of the Python it follows. C, H, W: channels, rows, columns.
 */
public final class ImageOps {

    private ImageOps() {
    }

    /**
     * transformers' {@code get_resize_output_image_size(size=n, default_to_square=False)}: the
     * shorter side becomes {@code n}, the longer {@code int(n * long / short)} (truncated).
     *
     * @return {height, width}
     */
    public static int[] shortestEdgeSize(int height, int width, int n) {
        int shortSide = Math.min(height, width);
        int longSide = Math.max(height, width);
        // Python: int(n * long / short) — exact int product, true division in double, truncation
        int newLong = (int) ((double) ((long) n * longSide) / shortSide);
        return width <= height ? new int[] {newLong, n} : new int[] {n, newLong};
    }

    /**
     * SamImageProcessor's {@code _get_preprocess_shape}: {@code scale = n * 1.0 / max(h, w)},
     * each side {@code int(side * scale + 0.5)}.
     *
     * @return {height, width}
     */
    public static int[] longestEdgeSize(int height, int width, int n) {
        double scale = n * 1.0 / Math.max(height, width);
        return new int[] {(int) (height * scale + 0.5), (int) (width * scale + 0.5)};
    }

    /**
     * transformers' {@code image_transforms.center_crop}: {@code top = (H - cropH) // 2} (floor
     * division), likewise {@code left}; when the crop does not fit, the image is first placed on
     * a zero canvas of {@code max(crop, size)} at offset {@code ceil((new - old) / 2)}.
     */
    public static RgbImage centerCrop(RgbImage img, int cropHeight, int cropWidth) {
        int h = img.height(), w = img.width();
        int top = Math.floorDiv(h - cropHeight, 2);
        int left = Math.floorDiv(w - cropWidth, 2);
        if (top >= 0 && top + cropHeight <= h && left >= 0 && left + cropWidth <= w) {
            return img.crop(left, top, left + cropWidth, top + cropHeight);
        }
        int newH = Math.max(cropHeight, h);
        int newW = Math.max(cropWidth, w);
        int topPad = (newH - h + 1) / 2; // ceil((newH - h) / 2), non-negative
        int leftPad = (newW - w + 1) / 2;
        RgbImage canvas = RgbImage.filled(newW, newH, 0, 0, 0);
        canvas.paste(img, leftPad, topPad);
        int t = Math.max(0, top + topPad);
        int b = Math.min(newH, top + topPad + cropHeight);
        int l = Math.max(0, left + leftPad);
        int r = Math.min(newW, left + leftPad + cropWidth);
        return canvas.crop(l, t, r, b);
    }

    /**
     * LLaVA's {@code expand2square(img, tuple(int(x * 255) for x in image_mean))}: a square
     * canvas of side {@code max(W, H)} in the mean colour, the image pasted at
     * {@code ((side - W) // 2, (side - H) // 2)}. Square images are returned unchanged.
     */
    public static RgbImage expandToSquare(RgbImage img, float[] imageMean) {
        int w = img.width(), h = img.height();
        if (w == h) {
            return img;
        }
        int[] bg = meanColour(imageMean);
        int side = Math.max(w, h);
        RgbImage canvas = RgbImage.filled(side, side, bg[0], bg[1], bg[2]);
        canvas.paste(img, (side - w) / 2, (side - h) / 2);
        return canvas;
    }

    /**
     * {@code tuple(int(x * 255) for x in image_mean)} with the mean as the Python float the
     * config holds; (122, 116, 104) for OpenAI CLIP.
     */
    public static int[] meanColour(float[] imageMean) {
        int[] c = new int[3];
        for (int i = 0; i < 3; i++) {
            // the config's Python float is the shortest decimal of this float for the standard means
            c[i] = (int) (Double.parseDouble(Float.toString(imageMean[i])) * 255);
        }
        return c;
    }

    /**
     * uint8 HWC → float32 CHW, rescaled and normalised as HF's {@code rescale} then
     * {@code normalize} compute it: {@code v = float32(float64(x) * factor)}, then
     * {@code (v - float32(mean)) / float32(std)} in float32. torchvision's {@code ToTensor} +
     * {@code Normalize} give the same bits for factor 1/255 ({@code float32(x) / 255f} equals
     * {@code float32(x * (1/255))} for every byte — checked in the generator).
     *
     * @param out destination, {@code [3, H, W]} starting at {@code offset}
     */
    public static void toNormalizedChw(float[] out, int offset, RgbImage img, boolean doRescale, double rescaleFactor,
                                       boolean doNormalize, float[] mean, float[] std) {
        int hw = img.width() * img.height();
        byte[] px = img.pixels();
        // 256-entry table per channel: the same two float32 operations, done once per value
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                float f = doRescale ? (float) (v * rescaleFactor) : (float) v;
                lut[c][v] = doNormalize ? (f - mean[c]) / std[c] : f;
            }
        }
        for (int i = 0; i < hw; i++) {
            out[offset + i] = lut[0][px[i * 3] & 0xFF];
            out[offset + hw + i] = lut[1][px[i * 3 + 1] & 0xFF];
            out[offset + 2 * hw + i] = lut[2][px[i * 3 + 2] & 0xFF];
        }
    }
}
