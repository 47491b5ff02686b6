package dev.ocelli.encoders.preprocess;

import java.util.Arrays;

/**
 * An 8-bit RGB image, the same thing as a PIL {@code Image} in mode {@code "RGB"}.
 *
 * <p>Pixels are interleaved row-major HWC: the value of channel {@code c} at column {@code x},
 * row {@code y} is {@code pixels[(y * width + x) * 3 + c] & 0xFF}. Every preprocessing step
 * before normalisation works on this type, so that each step can be compared byte for byte
 * with PIL. Every operation returns a new image; the pixel array is shared, not copied, so an
 * image handed to several threads must not be written to.
 *
 * @param width  W, columns
 * @param height H, rows
 * @param pixels uint8 HWC, length {@code width * height * 3}; not copied
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException("pixel buffer has " + pixels.length + " bytes, expected "
                    + width + "x" + height + "x3 = " + ((long) width * height * 3));
        }
    }

    /** A new image filled with one colour, like {@code Image.new("RGB", (w, h), (r, g, b))}. */
    public static RgbImage filled(int width, int height, int r, int g, int b) {
        byte[] p = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        for (int i = 0; i < p.length; i += 3) {
            p[i] = (byte) r;
            p[i + 1] = (byte) g;
            p[i + 2] = (byte) b;
        }
        return new RgbImage(width, height, p);
    }

    /** Channel {@code c} (0 = R) at column {@code x}, row {@code y}, as 0..255. */
    public int get(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }

    /**
     * The sub-image {@code [left, right) x [top, bottom)}, like PIL's {@code Image.crop(box)}.
     * Areas outside the image are zero, as PIL fills them.
     */
    public RgbImage crop(int left, int top, int right, int bottom) {
        int w = right - left;
        int h = bottom - top;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        for (int y = 0; y < h; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= height) {
                continue;
            }
            int x0 = Math.max(0, -left);
            int x1 = Math.min(w, width - left);
            if (x1 > x0) {
                System.arraycopy(pixels, (sy * width + left + x0) * 3, out, (y * w + x0) * 3, (x1 - x0) * 3);
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Copies {@code src} onto this (freshly made) image with its top-left corner at (x, y), like {@code Image.paste}. */
    void paste(RgbImage src, int x, int y) {
        for (int sy = 0; sy < src.height; sy++) {
            int dy = sy + y;
            if (dy < 0 || dy >= height) {
                continue;
            }
            int x0 = Math.max(0, -x);
            int x1 = Math.min(src.width, width - x);
            if (x1 > x0) {
                System.arraycopy(src.pixels, (sy * src.width + x0) * 3, pixels, (dy * width + x + x0) * 3, (x1 - x0) * 3);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage r && r.width == width && r.height == height && Arrays.equals(r.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
