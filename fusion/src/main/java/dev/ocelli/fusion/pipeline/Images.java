package dev.ocelli.fusion.pipeline;

import dev.ocelli.encoders.preprocess.RgbImage;
import java.awt.image.BufferedImage;

/** AWT images to the preprocessing's {@link RgbImage}. */
public final class Images {

    private Images() {
    }

    /**
     * {@code BufferedImage.getRGB} per row (Java2D converts any colour model to sRGB ARGB),
     * alpha dropped as PIL's {@code convert("RGB")} does. Images read from files should go
     * through {@code ImageDecoder.read}, which also handles EXIF orientation and CMYK.
     */
    public static RgbImage fromBuffered(BufferedImage bi) {
        int w = bi.getWidth(), h = bi.getHeight();
        byte[] px = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            bi.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3, argb = row[x];
                px[o] = (byte) (argb >> 16);
                px[o + 1] = (byte) (argb >> 8);
                px[o + 2] = (byte) argb;
            }
        }
        return new RgbImage(w, h, px);
    }
}
