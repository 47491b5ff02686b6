package dev.ocelli.kernels.conv;

/** Channels-first ↔ channels-last copies used at the edges of the NHWC kernels. */
public final class Layouts {
    private Layouts() {}

    /**
     * Tile edge: 16×16 floats, written row by row (contiguous stores, strided loads). Measured on
     * [192, 192·192] (thread CPU time, loaded machine): 32×32 with contiguous loads 19 ms,
     * 16×16 with contiguous stores 10 ms; arraycopy of the same bytes 2.2 ms.
     */
    private static final int TILE = 16;

    /** src [n, c, hw] → dst [n, hw, c]. */
    public static void nchwToNhwc(float[] dst, int dOff, float[] src, int sOff, int n, int c, int hw) {
        for (int b = 0; b < n; b++) {
            transpose(dst, dOff + b * c * hw, src, sOff + b * c * hw, c, hw);
        }
    }

    /** src [n, hw, c] → dst [n, c, hw]. */
    public static void nhwcToNchw(float[] dst, int dOff, float[] src, int sOff, int n, int c, int hw) {
        for (int b = 0; b < n; b++) {
            transpose(dst, dOff + b * c * hw, src, sOff + b * c * hw, hw, c);
        }
    }

    /** src [rows, cols] → dst [cols, rows], tiled. */
    static void transpose(float[] dst, int dOff, float[] src, int sOff, int rows, int cols) {
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(r0 + TILE, rows);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(c0 + TILE, cols);
                for (int col = c0; col < c1; col++) {
                    int d = dOff + col * rows;
                    for (int r = r0; r < r1; r++) {
                        dst[d + r] = src[sOff + r * cols + col];
                    }
                }
            }
        }
    }

    /** Depthwise weight [c, 1, kh, kw] → [kh, kw, c]. */
    public static void depthwiseWeightToHwc(float[] dst, int dOff, float[] src, int sOff, int c, int kh, int kw) {
        transpose(dst, dOff, src, sOff, c, kh * kw);
    }
}
