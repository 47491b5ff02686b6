package dev.ocelli.kernels.shuffle;

/**
 * Pixel (un)shuffle, pure data movement on {@code float[]} + offsets; output first.
 *
 * <p>There is no arithmetic to vectorize, so there is one implementation: the InternVL variants
 * move contiguous runs of C channels with {@link System#arraycopy}; the NCHW ones walk the output
 * in order with strided reads.
 *
 * <ul>
 *   <li>{@code F.pixel_unshuffle(x[N,C,H,W], r)} → [N, C·r², H/r, W/r],
 *       out[n, c·r² + i·r + j, h, w] = x[n, c, h·r+i, w·r+j] (channel-major, spec §0).</li>
 *   <li>{@code F.pixel_shuffle(x[N,C·r²,H,W], r)} → [N, C, H·r, W·r], the inverse.</li>
 *   <li>InternVL {@code pixel_shuffle(x[N,A,B,C], scale_factor=1/r)} (NHWC), v2 (default):
 *       Y[n, a, b, (i·r+j)·C + c] = X[n, a·r+i, b·r+j, c] → [N, A/r, B/r, C·r²] (offset-major).
 *       v1 skips the final permute: Y[n, b, a, (i·r+j)·C + c], shape [N, B/r, A/r, C·r²].</li>
 * </ul>
 */
public final class PixelShuffle {
    private PixelShuffle() {}

    /** F.pixel_unshuffle: in [n, c, h, w] → out [n, c·r², h/r, w/r]. */
    public static void pixelUnshuffle(float[] out, int outOff, float[] in, int inOff, int n, int c, int h, int w, int r) {
        check("pixel_unshuffle", n, c, h, w, r);
        checkRange("pixel_unshuffle input", in, inOff, (long) n * c * h * w);
        checkRange("pixel_unshuffle output", out, outOff, (long) n * c * h * w);
        int oh = h / r, ow = w / r;
        int o = outOff;
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int plane = inOff + (b * c + ch) * h * w;
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < r; j++) {
                        for (int y = 0; y < oh; y++) {
                            int row = plane + (y * r + i) * w + j;
                            for (int x = 0; x < ow; x++) {
                                out[o++] = in[row + x * r];
                            }
                        }
                    }
                }
            }
        }
    }

    /** F.pixel_shuffle: in [n, c·r², h, w] → out [n, c, h·r, w·r]. {@code c} is the output channel count. */
    public static void pixelShuffle(float[] out, int outOff, float[] in, int inOff, int n, int c, int h, int w, int r) {
        if (n < 0 || c <= 0 || h <= 0 || w <= 0 || r <= 0) {
            throw new IllegalArgumentException("pixel_shuffle: bad sizes n=" + n + " c=" + c + " h=" + h + " w=" + w + " r=" + r);
        }
        checkRange("pixel_shuffle input", in, inOff, (long) n * c * r * r * h * w);
        checkRange("pixel_shuffle output", out, outOff, (long) n * c * r * r * h * w);
        int ow = w * r;
        int o = outOff;
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h * r; y++) {
                    int i = y % r, hy = y / r;
                    for (int x = 0; x < ow; x++) {
                        int j = x % r, wx = x / r;
                        out[o++] = in[inOff + ((b * c + ch) * r * r + i * r + j) * h * w + hy * w + wx];
                    }
                }
            }
        }
    }

    /**
     * InternVL's pixel_shuffle on NHWC with scale_factor = 1/r: in [n, a, b, c] →
     * v2: [n, a/r, b/r, c·r²]; v1: [n, b/r, a/r, c·r²] (grid left transposed).
     */
    public static void internVlPixelShuffle(float[] out, int outOff, float[] in, int inOff, int n, int a, int b, int c,
                                            int r, boolean v2) {
        check("InternVL pixel_shuffle", n, c, a, b, r);
        checkRange("InternVL pixel_shuffle input", in, inOff, (long) n * a * b * c);
        checkRange("InternVL pixel_shuffle output", out, outOff, (long) n * a * b * c);
        int oa = a / r, ob = b / r, oc = c * r * r;
        for (int img = 0; img < n; img++) {
            int src = inOff + img * a * b * c;
            int dst = outOff + img * a * b * c;
            for (int y = 0; y < oa; y++) {
                for (int x = 0; x < ob; x++) {
                    int cell = v2 ? (y * ob + x) * oc : (x * oa + y) * oc;
                    for (int i = 0; i < r; i++) {
                        for (int j = 0; j < r; j++) {
                            System.arraycopy(in, src + ((y * r + i) * b + x * r + j) * c, out, dst + cell + (i * r + j) * c, c);
                        }
                    }
                }
            }
        }
    }

    private static void check(String op, int n, int c, int h, int w, int r) {
        if (n < 0 || c <= 0 || h <= 0 || w <= 0 || r <= 0) {
            throw new IllegalArgumentException(op + ": bad sizes n=" + n + " c=" + c + " dims " + h + "x" + w + " r=" + r);
        }
        if (h % r != 0 || w % r != 0) {
            throw new IllegalArgumentException(op + ": spatial dims " + h + "x" + w + " not divisible by " + r);
        }
    }

    private static void checkRange(String what, float[] arr, int off, long n) {
        if (off < 0 || off > arr.length - n) {
            throw new IndexOutOfBoundsException(what + ": range [" + off + ", " + off + "+" + n
                    + ") outside array of length " + arr.length);
        }
    }
}
