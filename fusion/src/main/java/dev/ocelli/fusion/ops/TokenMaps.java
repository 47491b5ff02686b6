package dev.ocelli.fusion.ops;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.F;

/**
 * Token sequences and square feature maps, the two layouts the fusion code moves between.
 * B = batch, N = tokens (a square number), C = channels, S = √N.
 *
 * <pre>
 *   tokens [B, N, C]  ⇄  map [B, C, S, S]     (token t = y·S + x, as {@code x.transpose(1,2).view(b,c,S,S)})
 * </pre>
 * Conversions are views (permute + reshape); kernels make them dense when they need to.
 */
public final class TokenMaps {

    private TokenMaps() {
    }

    /** Channels per call of {@link #interpolateInto}: 192 planes of 384² are 113 MB. */
    static final int RESIZE_CHANNELS = 192;

    /**
     * {@code dst.copyFrom(F.interpolate(src, dst's H×W, mode, alignCorners))} for src [B, C, h, w]
     * and dst [B, C, H, W] (any strides, e.g. a channel slice of a channels-last buffer), a few
     * channels at a time. The planes are resized independently, so the values are the same as one
     * call; the full-size temporaries (a dense copy of a strided src, the whole resized map) never
     * exist: Mini-Gemini-HD's 2880×384² map is 1.7 GB.
     */
    public static void interpolateInto(Tensor dst, Tensor src, String mode, boolean alignCorners) {
        long[] d = dst.shape(), s = src.shape();
        if (d.length != 4 || s.length != 4 || d[0] != s[0] || d[1] != s[1]) {
            throw new ShapeException("interpolateInto: src " + Shapes.str(s) + " and dst "
                    + Shapes.str(d) + " must be [B, C, h, w] and [B, C, H, W]");
        }
        int h = (int) d[2], w = (int) d[3];
        for (long c0 = 0; c0 < s[1]; c0 += RESIZE_CHANNELS) {
            long n = Math.min(RESIZE_CHANNELS, s[1] - c0);
            Tensor part = src.narrow(1, c0, n);
            Tensor r = part.size(2) == h && part.size(3) == w ? part : F.interpolate(part, h, w, mode, alignCorners, false);
            dst.narrow(1, c0, n).copyFrom(r);
        }
    }

    /** Side of the square grid of {@code n} tokens; ShapeException when n is not a square. */
    public static int side(long n, String what) {
        int s = (int) Math.round(Math.sqrt(n));
        if ((long) s * s != n) {
            throw new ShapeException(what + ": " + n + " tokens do not form a square grid");
        }
        return s;
    }

    /** [B, N, C] → [B, C, S, S] (PyTorch {@code x.transpose(1, 2).view(b, c, S, S)}). */
    public static Tensor toMap(Tensor tokens) {
        long[] sh = tokens.shape();
        if (sh.length != 3) {
            throw new ShapeException("tokens must be [B, N, C], got " + Shapes.str(sh));
        }
        int s = side(sh[1], "tokens " + Shapes.str(sh));
        return tokens.reshape(sh[0], s, s, sh[2]).permute(0, 3, 1, 2);
    }

    /** [B, C, H, W] → [B, H·W, C] (PyTorch {@code x.flatten(2).transpose(1, 2)}). */
    public static Tensor toTokens(Tensor map) {
        long[] sh = map.shape();
        if (sh.length != 4) {
            throw new ShapeException("feature map must be [B, C, H, W], got " + Shapes.str(sh));
        }
        return map.permute(0, 2, 3, 1).reshape(sh[0], sh[2] * sh[3], sh[1]);
    }

    /**
     * LLaVA-HR's {@code src2dst_align}: brings the token map {@code src} [B, C, h, w] (h = w) to
     * a dst×dst grid: fewer tokens → bilinear, align_corners=True; more → avg_pool2d with kernel
     * = stride = h / dst; equal → unchanged. Returns [B, dst², C].
     */
    public static Tensor align(Tensor src, int dst) {
        long[] sh = src.shape();
        if (sh.length != 4 || sh[2] != sh[3]) {
            throw new ShapeException("align: source map must be square [B, C, h, h], got " + Shapes.str(sh));
        }
        int h = (int) sh[2];
        long n = (long) h * h, m = (long) dst * dst;
        if (n % m != 0 && m % n != 0) {
            // the released code asserts this too
            throw new ShapeException("align: " + n + " source tokens and " + m + " target tokens are not multiples");
        }
        Tensor out = src;
        if (n < m) {
            out = F.interpolate(src, dst, dst, "bilinear", true, false);
        } else if (n > m) {
            out = F.avgPool2d(src, h / dst, h / dst);
        }
        return toTokens(out);
    }

    /** Mean over dim 1 of [B, N, C] → [B, C] (torch {@code x.mean(1)}), accumulated in double. */
    public static Tensor meanTokens(Tensor x) {
        long[] sh = x.shape();
        int b = (int) sh[0], n = (int) sh[1], c = (int) sh[2];
        float[] a = x.contiguous().toFloatArray();
        float[] out = new float[b * c];
        double[] acc = new double[c];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(acc, 0);
            for (int t = 0; t < n; t++) {
                int base = (i * n + t) * c;
                for (int k = 0; k < c; k++) {
                    acc[k] += a[base + k];
                }
            }
            for (int k = 0; k < c; k++) {
                out[i * c + k] = (float) (acc[k] / n);
            }
        }
        return Tensor.of(out, b, c);
    }

    /** A 1×1 conv weight [O, I, 1, 1] as the Linear weight [O, I] (a view). */
    public static Tensor conv1x1AsLinear(Tensor w) {
        long[] sh = w.shape();
        if (sh.length != 4 || sh[2] != 1 || sh[3] != 1) {
            throw new ShapeException("expected a 1x1 conv weight [O, I, 1, 1], got " + Shapes.str(sh));
        }
        return w.reshape(sh[0], sh[1]);
    }
}
