package dev.ocelli.encoders.preprocess;

/**
 * PIL's {@code Image.resize} for 8-bit RGB images, reproduced to the byte.
 *
 * <p>Follows Pillow's {@code src/libImaging/Resample.c} (checked against Pillow 9.4, the version
 * the reference data is generated with; the file has been stable since Pillow 4.3):
 * <ol>
 *   <li>For each output coordinate the filter is centred at {@code in0 + (xx + 0.5) * scale}. When
 *       downscaling ({@code scale > 1}) the filter is stretched by {@code scale} — this is the
 *       "antialias" that {@code Graphics2D} and torch's default bicubic do not do.</li>
 *   <li>The taps run over {@code [(int)(center - support + 0.5), (int)(center + support + 0.5))},
 *       clamped to the image, and are normalised to sum to one (so edge pixels are not darkened).</li>
 *   <li>The double coefficients are converted to fixed point with {@link #PRECISION_BITS} = 22
 *       fractional bits, rounding half away from zero.</li>
 *   <li>Two passes, horizontal then vertical, each accumulating in a 32-bit int that starts at
 *       {@code 1 << 21} (round half up) and is clipped to 0..255 after {@code >> 22}. The
 *       intermediate image is stored as uint8, which is why a one-pass float implementation can
 *       differ from PIL by one level.</li>
 *   <li>A pass is skipped when its size does not change and the box covers the whole axis; the
 *       horizontal pass only computes the rows the vertical pass will read.</li>
 * </ol>
 * Bicubic uses Keys' cubic with {@code a = -0.5} (PyTorch's bicubic uses -0.75). PIL's
 * {@code reducing_gap} pre-reduction is not reproduced: Pillow's default is {@code None}, and
 * neither the HF processors nor InternVL pass it. NEAREST goes through a different PIL code
 * path (an affine transform) and is not supported here.
 */
public final class PilResize {

    /** Fixed-point fraction bits of the 8-bit path: 32 − 8 bits of result − 2 bits of headroom. */
    public static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /** PIL's resampling filters with their support radius, and PIL's integer codes. */
    public enum Filter {
        LANCZOS(1, 3.0), BILINEAR(2, 1.0), BICUBIC(3, 2.0), BOX(4, 0.5), HAMMING(5, 1.0);

        /** The value of {@code PIL.Image.Resampling.X} (also what {@code "resample"} holds in preprocessor_config.json). */
        public final int pilCode;
        final double support;

        Filter(int pilCode, double support) {
            this.pilCode = pilCode;
            this.support = support;
        }

        /** The filter for a PIL resample code; NEAREST (0) is refused because it is not a convolution in PIL. */
        public static Filter fromPilCode(int code) {
            for (Filter f : values()) {
                if (f.pilCode == code) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unsupported PIL resample code " + code
                    + (code == 0 ? " (NEAREST is not implemented)" : "") + "; supported: 1 LANCZOS, 2 BILINEAR, 3 BICUBIC, 4 BOX, 5 HAMMING");
        }

        /** The filter kernel at distance x (in source pixels, already divided by the filter scale). */
        double weight(double x) {
            switch (this) {
                case BOX:
                    return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
                case BILINEAR:
                    x = Math.abs(x);
                    return x < 1.0 ? 1.0 - x : 0.0;
                case HAMMING:
                    x = Math.abs(x);
                    if (x == 0.0) {
                        return 1.0;
                    }
                    if (x >= 1.0) {
                        return 0.0;
                    }
                    x = x * Math.PI;
                    // PIL writes the window constants as C floats (0.54f, 0.46f)
                    return Math.sin(x) / x * ((double) 0.54f + (double) 0.46f * Math.cos(x));
                case BICUBIC: {
                    final double a = -0.5;
                    x = Math.abs(x);
                    if (x < 1.0) {
                        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                    }
                    if (x < 2.0) {
                        return (((x - 5) * x + 8) * x - 4) * a;
                    }
                    return 0.0;
                }
                case LANCZOS:
                    return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
                default:
                    throw new AssertionError(this);
            }
        }

        private static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            x = x * Math.PI;
            return Math.sin(x) / x;
        }
    }

    /**
     * Per output position: the first source index, the tap count, and ksize fixed-point
     * coefficients (the unused tail is zero).
     */
    record Coeffs(int ksize, int[] first, int[] count, int[] fixed, double[] weights) {
    }

    /** {@code precompute_coeffs} + {@code normalize_coeffs_8bpc}; {@code in0}/{@code in1} are C floats as in PIL. */
    static Coeffs precompute(int inSize, float in0, float in1, int outSize, Filter filter) {
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = scale < 1.0 ? 1.0 : scale;
        double support = filter.support * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        double[] kk = new double[Math.multiplyExact(outSize, ksize)];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5); // C cast: truncation toward zero
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            int base = xx * ksize;
            for (int x = 0; x < xmax; x++) {
                double w = filter.weight((x + xmin - center + 0.5) * ss);
                kk[base + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    kk[base + x] /= ww;
                }
            }
            first[xx] = xmin;
            count[xx] = Math.max(xmax, 0);
        }
        int[] fixed = new int[kk.length];
        for (int i = 0; i < kk.length; i++) {
            fixed[i] = kk[i] < 0 ? (int) (-0.5 + kk[i] * (1 << PRECISION_BITS))
                    : (int) (0.5 + kk[i] * (1 << PRECISION_BITS));
        }
        return new Coeffs(ksize, first, count, fixed, kk);
    }

    /** PIL's {@code clip8}: the lookup table maps {@code v >> 22} in [-640, 639] onto 0..255. */
    static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** {@code image.resize((width, height), resample=filter)}. */
    public static RgbImage resize(RgbImage src, int width, int height, Filter filter) {
        return resize(src, width, height, filter, 0f, 0f, src.width(), src.height());
    }

    /**
     * {@code image.resize((width, height), resample=filter, box=(x0, y0, x1, y1))}: the source
     * region, in (fractional) source pixels, that is scaled to the output.
     */
    public static RgbImage resize(RgbImage src, int width, int height, Filter filter,
                                  float x0, float y0, float x1, float y1) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize of " + src + " to " + width + "x" + height + ": size must be positive");
        }
        if (x0 < 0 || y0 < 0 || x1 > src.width() || y1 > src.height() || x1 < x0 || y1 < y0) {
            throw new IllegalArgumentException("resize box (" + x0 + ", " + y0 + ", " + x1 + ", " + y1
                    + ") is not inside " + src);
        }
        // Image.resize returns a copy when nothing would change
        if (width == src.width() && height == src.height() && x0 == 0 && y0 == 0 && x1 == width && y1 == height) {
            return new RgbImage(width, height, src.pixels().clone());
        }
        boolean needHorizontal = width != src.width() || x0 != 0 || x1 != width;
        boolean needVertical = height != src.height() || y0 != 0 || y1 != height;

        Coeffs vert = precompute(src.height(), y0, y1, height, filter);
        int yboxFirst = vert.first[0];
        int yboxLast = vert.first[height - 1] + vert.count[height - 1];
        int[] vertFirst = vert.first.clone();

        RgbImage cur = src;
        if (needHorizontal) {
            Coeffs horiz = precompute(src.width(), x0, x1, width, filter);
            for (int i = 0; i < height; i++) {
                vertFirst[i] -= yboxFirst;
            }
            cur = horizontal(src, yboxFirst, yboxLast - yboxFirst, width, horiz);
        }
        if (needVertical) {
            cur = vertical(cur, height, vert.ksize, vertFirst, vert.count, vert.fixed);
        }
        if (cur == src) {
            cur = new RgbImage(src.width(), src.height(), src.pixels().clone());
        }
        return cur;
    }

    /** Horizontal pass over source rows {@code [rowOffset, rowOffset + rows)}; output is uint8 like PIL's temp image. */
    private static RgbImage horizontal(RgbImage in, int rowOffset, int rows, int outW, Coeffs c) {
        byte[] src = in.pixels();
        int inW = in.width();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(outW, rows), 3)];
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < rows; yy++) {
            int rowBase = (yy + rowOffset) * inW * 3;
            int outBase = yy * outW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int k0 = xx * c.ksize;
                int p = rowBase + c.first[xx] * 3;
                int n = c.count[xx];
                int ss0 = half, ss1 = half, ss2 = half;
                for (int x = 0; x < n; x++, p += 3) {
                    int k = c.fixed[k0 + x];
                    ss0 += (src[p] & 0xFF) * k;
                    ss1 += (src[p + 1] & 0xFF) * k;
                    ss2 += (src[p + 2] & 0xFF) * k;
                }
                int o = outBase + xx * 3;
                out[o] = (byte) clip8(ss0);
                out[o + 1] = (byte) clip8(ss1);
                out[o + 2] = (byte) clip8(ss2);
            }
        }
        return new RgbImage(outW, rows, out);
    }

    /** Vertical pass; {@code first} is relative to the first row of {@code in}. */
    private static RgbImage vertical(RgbImage in, int outH, int ksize, int[] first, int[] count, int[] fixed) {
        byte[] src = in.pixels();
        int w = in.width();
        int stride = w * 3;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, outH), 3)];
        int half = 1 << (PRECISION_BITS - 1);
        int[] acc = new int[stride];
        for (int yy = 0; yy < outH; yy++) {
            // accumulate whole rows at a time: same sums as PIL's per-pixel loop, in a cache-friendly order
            java.util.Arrays.fill(acc, half);
            int k0 = yy * ksize;
            for (int y = 0; y < count[yy]; y++) {
                int k = fixed[k0 + y];
                int rowBase = (first[yy] + y) * stride;
                for (int i = 0; i < stride; i++) {
                    acc[i] += (src[rowBase + i] & 0xFF) * k;
                }
            }
            int outBase = yy * stride;
            for (int i = 0; i < stride; i++) {
                out[outBase + i] = (byte) clip8(acc[i]);
            }
        }
        return new RgbImage(w, outH, out);
    }
}
