package dev.ocelli.encoders.preprocess;

import java.nio.charset.StandardCharsets;

/**
 * The EXIF orientation tag (0x0112) and PIL's {@code ImageOps.exif_transpose}.
 *
 * <p>Off by default in Ocelli, because the paper pipelines ({@code Image.open(f).convert("RGB")})
 * do not apply it; HF's {@code load_image} does. Orientation values and PIL's transposes:
 * 2 FLIP_LEFT_RIGHT, 3 ROTATE_180, 4 FLIP_TOP_BOTTOM, 5 TRANSPOSE, 6 ROTATE_270 (90° clockwise),
 * 7 TRANSVERSE, 8 ROTATE_90 (90° counter-clockwise).
 */
public final class ExifOrientation {

    private ExifOrientation() {
    }

    /**
     * The orientation (1..8) stored in a JPEG's APP1 Exif segment or a PNG's eXIf chunk; 1
     * (no change) when there is none or it cannot be parsed.
     */
    public static int of(byte[] d) {
        try {
            if (d.length > 4 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8) {
                return fromJpeg(d);
            }
            if (d.length > 8 && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') {
                return fromPng(d);
            }
        } catch (IndexOutOfBoundsException e) {
            // a damaged Exif block reads as "no orientation", as PIL's getexif() tolerates it
        }
        return 1;
    }

    private static int fromJpeg(byte[] d) {
        int p = 2;
        while (p + 4 <= d.length && (d[p] & 0xFF) == 0xFF) {
            int marker = d[p + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            int len = u16(d, p + 2, false);
            if (marker == 0xE1 && len >= 8 && new String(d, p + 4, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                return fromTiff(d, p + 10, p + 2 + len);
            }
            p += 2 + len;
        }
        return 1;
    }

    private static int fromPng(byte[] d) {
        int p = 8;
        while (p + 12 <= d.length) {
            int len = (int) u32(d, p, false);
            String type = new String(d, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("eXIf")) {
                int start = p + 8;
                // some writers keep the JPEG-style "Exif\0\0" prefix
                if (len >= 6 && new String(d, start, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                    start += 6;
                }
                return fromTiff(d, start, p + 8 + len);
            }
            if (type.equals("IDAT") || type.equals("IEND") || len < 0) {
                break; // PIL only sees an eXIf chunk placed before the image data
            }
            p += 12 + len;
        }
        return 1;
    }

    /** IFD0 of a TIFF structure at {@code base}: the value of tag 0x0112 (SHORT). */
    private static int fromTiff(byte[] d, int base, int end) {
        boolean le;
        if (d[base] == 'I' && d[base + 1] == 'I') {
            le = true;
        } else if (d[base] == 'M' && d[base + 1] == 'M') {
            le = false;
        } else {
            return 1;
        }
        long ifd = u32(d, base + 4, le);
        int p = base + (int) ifd;
        if (ifd < 8 || p + 2 > end) {
            return 1;
        }
        int n = u16(d, p, le);
        for (int i = 0; i < n; i++) {
            int e = p + 2 + 12 * i;
            if (e + 12 > end) {
                break;
            }
            if (u16(d, e, le) == 0x0112 && u16(d, e + 2, le) == 3) {
                int v = u16(d, e + 8, le);
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] d, int p, boolean le) {
        return le ? (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8) : ((d[p] & 0xFF) << 8) | (d[p + 1] & 0xFF);
    }

    private static long u32(byte[] d, int p, boolean le) {
        return le ? (u16(d, p, true) | ((long) u16(d, p + 2, true) << 16))
                : (((long) u16(d, p, false) << 16) | u16(d, p + 2, false));
    }

    /** {@code exif_transpose}: the transpose PIL applies for an orientation value (1 = unchanged, same object). */
    public static RgbImage apply(RgbImage img, int orientation) {
        int w = img.width(), h = img.height();
        boolean swap = orientation >= 5 && orientation <= 8;
        int ow = swap ? h : w, oh = swap ? w : h;
        if (orientation < 2 || orientation > 8) {
            return img;
        }
        byte[] src = img.pixels();
        byte[] out = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // source pixel (sx, sy) for output (x, y), as PIL's Image.transpose defines each method
                int sx, sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }          // FLIP_LEFT_RIGHT
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }  // ROTATE_180
                    case 4 -> { sx = x; sy = h - 1 - y; }          // FLIP_TOP_BOTTOM
                    case 5 -> { sx = y; sy = x; }                  // TRANSPOSE
                    case 6 -> { sx = y; sy = h - 1 - x; }          // ROTATE_270
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }  // TRANSVERSE
                    default -> { sx = w - 1 - y; sy = x; }         // 8: ROTATE_90
                }
                System.arraycopy(src, (sy * w + sx) * 3, out, (y * ow + x) * 3, 3);
            }
        }
        return new RgbImage(ow, oh, out);
    }
}
