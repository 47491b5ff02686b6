package dev.ocelli.encoders.preprocess;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG and PNG files into 8-bit RGB exactly as {@code PIL.Image.open(f).convert("RGB")}
 * does, which is what LLaVA, InternVL and the HF processors feed their models.
 *
 * <p>PIL's conversions, reproduced from the raw samples (never through Java2D colour
 * management, which would gamma-convert grey images and colour-manage ICC profiles — PIL does
 * neither):
 * <ul>
 *   <li>grey ({@code L}) and grey+alpha ({@code LA}): the grey value is copied to R, G and B;
 *       alpha is dropped;</li>
 *   <li>RGBA: alpha is dropped, no compositing onto a background;</li>
 *   <li>palette ({@code P}, and grey PNGs of 1/2/4 bits): looked up in the palette, transparency
 *       ignored; 2- and 4-bit grey levels are spread over 0..255 (x·85, x·17);</li>
 *   <li>16-bit RGB / RGBA / grey+alpha PNG: PIL keeps the high byte ({@code v >> 8});</li>
 *   <li>16-bit grey PNG: PIL opens it as 32-bit mode {@code I}, and {@code convert("RGB")}
 *       clips to 255 instead of scaling — so almost every pixel becomes white. Reproduced as PIL
 *       does it, because that is what the Python pipelines see;</li>
 *   <li>CMYK JPEG (Adobe): decoded through the TwelveMonkeys reader to raw CMYK and converted
 *       with PIL's formula {@code R = (255-K) - (C·(255-K))/255} (rounded as PIL's MULDIV255).</li>
 * </ul>
 * EXIF orientation is <b>not</b> applied by default: {@code Image.open} does not apply it, and
 * neither do LLaVA's, InternVL's or the HF image processors' code paths. HF's separate
 * {@code load_image} helper (used by its pipelines) does call {@code ImageOps.exif_transpose};
 * {@link #read(Path, boolean)} with {@code true} reproduces that.
 *
 * <p>Dimensions are read from the header before any pixel buffer is allocated; images over
 * {@link #MAX_PIXELS} (PIL's decompression-bomb error threshold, 2 · {@code MAX_IMAGE_PIXELS})
 * are refused. Every failure is an {@link ImageDecodeException} whose one-line message names
 * the file.
 */
public final class ImageDecoder {

    /** PIL raises {@code DecompressionBombError} above 2 · 89 478 485 pixels; so do we. */
    public static final long MAX_PIXELS = 2L * (1024L * 1024 * 1024 / 4 / 3);

    static {
        // pick up plugins on the class path (TwelveMonkeys' CMYK-capable JPEG reader)
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {
    }

    /** Reads and converts an image file. */
    public static RgbImage read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException(file + ": no such file");
        } catch (IOException e) {
            throw new ImageDecodeException(file + ": cannot read: " + e.getMessage(), e);
        }
        return read(data, file.toString());
    }

    /**
     * Reads and converts an image file, optionally rotating/flipping it by its EXIF orientation
     * as {@code PIL.ImageOps.exif_transpose} does (JPEG APP1 and PNG eXIf).
     */
    public static RgbImage read(Path file, boolean applyExifOrientation) {
        if (!applyExifOrientation) {
            return read(file);
        }
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException(file + ": no such file");
        } catch (IOException e) {
            throw new ImageDecodeException(file + ": cannot read: " + e.getMessage(), e);
        }
        return ExifOrientation.apply(read(data, file.toString()), ExifOrientation.of(data));
    }

    /** Reads and converts an image from a stream; {@code name} is used in error messages. */
    public static RgbImage read(InputStream in, String name) {
        try {
            return read(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new ImageDecodeException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads and converts an encoded image held in memory; {@code name} is used in error messages. */
    public static RgbImage read(byte[] data, String name) {
        byte[] encoded = stripJpegIccProfile(data);
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            List<ImageReader> readers = new ArrayList<>();
            ImageIO.getImageReaders(iis).forEachRemaining(readers::add);
            if (readers.isEmpty()) {
                throw new ImageDecodeException(name + ": not a recognised image (expected JPEG or PNG; "
                        + data.length + " bytes" + (data.length >= 4 ? ", starts with " + hex(data) : "") + ")");
            }
            // The JDK's own readers first (with the ICC profile removed above they return libjpeg's
            // YCbCr -> RGB output untouched, as PIL does); TwelveMonkeys, registered ahead of them,
            // is only used for what they refuse: CMYK JPEGs.
            readers.sort(java.util.Comparator.comparingInt(r -> r.getClass().getName().startsWith("com.sun.") ? 0 : 1));
            ImageDecodeException first = null;
            for (ImageReader reader : readers) {
                iis.seek(0);
                try {
                    return decodeWith(reader, iis, name);
                } catch (ImageDecodeException e) {
                    throw e;
                } catch (TryNextReader e) {
                    if (first == null) {
                        first = new ImageDecodeException(name + ": cannot decode image: " + e.getMessage());
                    }
                } catch (IOException | RuntimeException e) {
                    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    if (first == null) {
                        first = new ImageDecodeException(name + ": cannot decode image: " + msg.replace('\n', ' '), e);
                    }
                    // e.g. the JDK's "Unsupported Image Type" for CMYK: try the next reader
                } finally {
                    reader.dispose();
                }
            }
            throw first;
        } catch (IOException e) {
            throw new ImageDecodeException(name + ": cannot decode image: " + e.getMessage(), e);
        }
    }

    private static RgbImage decodeWith(ImageReader reader, ImageInputStream iis, String name) throws IOException {
        reader.setInput(iis, true, false);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((src, msg) -> warnings.add(msg));
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        checkSize(name, w, h);
        String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
        RgbImage img = isCmyk(reader) ? fromCmyk(reader.readRaster(0, null), name) : fromBuffered(reader.read(0), name);
        for (String wmsg : warnings) {
            // libjpeg reports a truncated stream as a warning and pads with grey; PIL refuses it
            String m = wmsg.toLowerCase(java.util.Locale.ROOT);
            if (m.contains("premature end") || m.contains("truncat")) {
                throw new ImageDecodeException(name + ": truncated " + format + " (" + wmsg + ")");
            }
        }
        return img;
    }

    static void checkSize(String name, long w, long h) {
        if (w <= 0 || h <= 0) {
            throw new ImageDecodeException(name + ": invalid image size " + w + "x" + h);
        }
        if (w * h > MAX_PIXELS) {
            throw new ImageDecodeException(name + ": image size " + w + "x" + h + " (" + (w * h)
                    + " pixels) exceeds the limit of " + MAX_PIXELS + " pixels (possible decompression bomb)");
        }
    }

    private static boolean isCmyk(ImageReader reader) throws IOException {
        ImageTypeSpecifier raw = reader.getRawImageType(0);
        if (raw == null) {
            return false;
        }
        int type = raw.getColorModel().getColorSpace().getType();
        return type == ColorSpace.TYPE_CMYK;
    }

    /** Converts a decoded image from its raw samples, PIL's way (see the class comment). */
    static RgbImage fromBuffered(BufferedImage bi, String name) {
        int w = bi.getWidth();
        int h = bi.getHeight();
        checkSize(name, w, h);
        ColorModel cm = bi.getColorModel();
        Raster r = bi.getRaster();
        byte[] out = new byte[w * h * 3];
        int[] row = null;
        if (cm instanceof IndexColorModel icm) {
            int n = icm.getMapSize();
            byte[] pr = new byte[n], pg = new byte[n], pb = new byte[n];
            icm.getReds(pr);
            icm.getGreens(pg);
            icm.getBlues(pb);
            for (int y = 0; y < h; y++) {
                row = r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = row[x];
                    int o = (y * w + x) * 3;
                    if (i < n) {
                        out[o] = pr[i];
                        out[o + 1] = pg[i];
                        out[o + 2] = pb[i];
                    } // indices past the palette read as black, as PIL's zero-padded palette does
                }
            }
            return new RgbImage(w, h, out);
        }
        int colorType = cm.getColorSpace().getType();
        int nc = cm.getNumColorComponents();
        if (colorType == ColorSpace.TYPE_CMYK) {
            // the JDK reader colour-manages CMYK; TwelveMonkeys' raw raster path matches PIL instead
            throw new TryNextReader("CMYK image and no reader for raw CMYK samples");
        }
        int bands = r.getNumBands();
        if (!((colorType == ColorSpace.TYPE_GRAY && nc == 1) || (colorType == ColorSpace.TYPE_RGB && nc == 3))) {
            throw new ImageDecodeException(name + ": unsupported colour model (" + nc + " colour components, colour space type "
                    + colorType + ")");
        }
        int bits = r.getSampleModel().getSampleSize(0);
        // 16-bit grey without alpha is PIL mode "I": convert("RGB") clips; everything else keeps the high byte
        boolean clipGrey16 = nc == 1 && !cm.hasAlpha() && bits == 16;
        row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                int p = x * bands;
                if (nc == 1) {
                    int g = to8(row[p], bits, clipGrey16);
                    out[o] = out[o + 1] = out[o + 2] = (byte) g;
                } else {
                    out[o] = (byte) to8(row[p], bits, false);
                    out[o + 1] = (byte) to8(row[p + 1], r.getSampleModel().getSampleSize(1), false);
                    out[o + 2] = (byte) to8(row[p + 2], r.getSampleModel().getSampleSize(2), false);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int to8(int v, int bits, boolean clip) {
        if (bits == 8) {
            return v;
        }
        if (bits == 16) {
            return clip ? Math.min(v, 255) : v >>> 8;
        }
        int max = (1 << bits) - 1;
        return (v * 255 + max / 2) / max;
    }

    /**
     * Raw CMYK samples as the TwelveMonkeys reader returns them (Adobe JPEGs store inverted
     * CMYK; the reader hands back the stored values) converted with PIL's {@code cmyk2rgb}.
     */
    static RgbImage fromCmyk(Raster r, String name) {
        int w = r.getWidth();
        int h = r.getHeight();
        checkSize(name, w, h);
        if (r.getNumBands() != 4) {
            throw new ImageDecodeException(name + ": CMYK image with " + r.getNumBands() + " bands");
        }
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * 4];
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                int p = x * 4;
                int nk = 255 - invertedCmyk(row[p + 3]);
                out[o] = (byte) clip8(nk - mulDiv255(invertedCmyk(row[p]), nk));
                out[o + 1] = (byte) clip8(nk - mulDiv255(invertedCmyk(row[p + 1]), nk));
                out[o + 2] = (byte) clip8(nk - mulDiv255(invertedCmyk(row[p + 2]), nk));
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Adobe CMYK JPEGs store 255 − value; PIL reads them with raw mode "CMYK;I". */
    private static int invertedCmyk(int stored) {
        return 255 - stored;
    }

    /** PIL's {@code MULDIV255(a, b, tmp)}: {@code (tmp = a*b + 128, ((tmp >> 8) + tmp) >> 8)}. */
    private static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Signals that another registered reader should be tried. */
    private static final class TryNextReader extends RuntimeException {
        TryNextReader(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A JPEG without its APP2 {@code ICC_PROFILE} segments; other data is returned as is.
     *
     * <p>Java's JPEG readers convert the pixels of a JPEG carrying a non-sRGB ICC profile (e.g.
     * Adobe RGB) into sRGB; PIL ignores the profile. Removing the segments before decoding gives
     * libjpeg's plain YCbCr → RGB output, the same as PIL's. Only the marker segments before
     * the first scan are touched; entropy-coded data is copied unchanged.
     */
    static byte[] stripJpegIccProfile(byte[] d) {
        if (d.length < 4 || (d[0] & 0xFF) != 0xFF || (d[1] & 0xFF) != 0xD8) {
            return d;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(d.length);
        out.write(d, 0, 2);
        int p = 2;
        boolean stripped = false;
        while (p + 4 <= d.length && (d[p] & 0xFF) == 0xFF) {
            int marker = d[p + 1] & 0xFF;
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                out.write(d, p, 2); // standalone markers have no length
                p += 2;
                continue;
            }
            if (marker == 0xFF) { // fill byte
                out.write(0xFF);
                p++;
                continue;
            }
            int len = ((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF);
            if (len < 2 || p + 2 + len > d.length) {
                break; // malformed or truncated: leave the rest to the decoder, which will complain
            }
            boolean icc = marker == 0xE2 && len >= 14 && new String(d, p + 4, 11, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .equals("ICC_PROFILE");
            if (icc) {
                stripped = true;
            } else {
                out.write(d, p, 2 + len);
            }
            p += 2 + len;
            if (marker == 0xDA) { // start of scan: the rest is image data
                break;
            }
        }
        if (!stripped) {
            return d;
        }
        out.write(d, p, d.length - p);
        return out.toByteArray();
    }

    private static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            sb.append(String.format("%02x", d[i] & 0xFF));
        }
        return sb.toString();
    }
}
