package dev.ocelli.kernels.conv;

/** Channels-first ↔ channels-last copies used at the edges of the NHWC kernels. */
public final class Layouts {
    private Layouts() {}

    /** Tile edge: 32×32 floats (4 KB) keeps both the read and the write side of a tile in L1. */
    private static final int TILE = 32;

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
                for (int r = r0; r < r1; r++) {
                    int s = sOff + r * cols;
                    for (int col = c0; col < c1; col++) {
                        dst[dOff + col * rows + r] = src[s + col];
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
