package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.gemm.PanelSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Implicit im2col: the column matrix of one image and one group, produced panel by panel inside
 * the GEMM's B packing, never as a whole.
 *
 * <pre>
 *   col[(ci, ky, kx), (oy, ox)] = x[ci, oy·sH − pH + ky·dH, ox·sW − pW + kx·dW]   (0 outside the image)
 *   // rows p = (ci·KH + ky)·KW + kx, K = (C/G)·KH·KW;  columns j = oy·OW + ox, P = OH·OW
 * </pre>
 * The GEMM packs B as NR-column panels (element (p, j) of a panel at p·NR + j). For a fixed row p
 * (one input channel and one tap) and stride 1, consecutive output pixels of one output row read
 * consecutive input pixels, so a panel row is one or two contiguous runs of the input row
 * (a new run where the panel crosses an output row), with a few zeros where the tap falls in the
 * padding. Those runs are bulk-copied into the packed panel. With stride > 1 the run is a gather.
 *
 * <p>The packed B block (KC×NC floats) is the only copy of the input the GEMM makes; a 3×3 conv
 * with an explicit im2col would first write 9× the input into memory and then read it back.
 *
 * <p>Mutable so one instance per calling thread is reused; {@link #set} happens before the GEMM
 * starts (the worker pool's hand-off orders it), and the GEMM's threads only read.
 */
final class ImplicitIm2col implements PanelSource {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private float[] x;
    private int xOff;
    private int h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;

    /** Points at the C/G channel planes of one image (x [C/G, H, W] at xOff) for the sizes of {@code s}. */
    ImplicitIm2col set(float[] x, int xOff, ConvShape s) {
        this.x = x;
        this.xOff = xOff;
        h = s.h(); w = s.w(); kh = s.kh(); kw = s.kw(); sh = s.sh(); sw = s.sw();
        ph = s.ph(); pw = s.pw(); dh = s.dh(); dw = s.dw(); oh = s.oh(); ow = s.ow();
        return this;
    }

    @Override
    public float get(long i, long j) {
        int khw = kh * kw;
        int ci = (int) (i / khw), r = (int) (i % khw), ky = r / kw, kx = r % kw;
        int oy = (int) (j / ow), ox = (int) (j % ow);
        int iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;
        return iy >= 0 && iy < h && ix >= 0 && ix < w ? x[xOff + (ci * h + iy) * w + ix] : 0f;
    }

    @Override
    public void packB(int p0, int kc, int j0, int nc, int nr, MemorySegment dst) {
        int khw = kh * kw;
        int ci = p0 / khw, r = p0 % khw, ky = r / kw, kx = r % kw;
        for (int p = 0; p < kc; p++) {
            int plane = xOff + ci * h * w;
            int dy = ky * dh - ph, dx = kx * dw - pw;
            for (int q = 0; q < nc; q += nr) {
                int cols = Math.min(nr, nc - q);
                long d = 4L * ((long) q * kc + (long) p * nr);  // byte offset of row p in panel q
                int j = j0 + q;
                int oy = j / ow, ox = j - oy * ow;
                for (int t = 0; t < cols; ) {
                    int run = Math.min(cols - t, ow - ox);     // pixels left in this output row
                    long dt = d + 4L * t;
                    int iy = oy * sh + dy;
                    if (iy < 0 || iy >= h) {
                        zero(dst, dt, run);
                    } else {
                        int rowBase = plane + iy * w;
                        int ix0 = ox * sw + dx;
                        if (sw == 1) {
                            // columns [lo, hi) of the run read inside the row; the rest is padding
                            int lo = Math.min(run, Math.max(0, -ix0));
                            int hi = Math.max(lo, Math.min(run, w - ix0));
                            zero(dst, dt, lo);
                            if (hi > lo) { // a tap can miss the row entirely (wide padding)
                                MemorySegment.copy(x, rowBase + ix0 + lo, dst, F32, dt + 4L * lo, hi - lo);
                            }
                            zero(dst, dt + 4L * hi, run - hi);
                        } else {
                            for (int u = 0; u < run; u++) {
                                int ix = ix0 + u * sw;
                                dst.set(F32, dt + 4L * u, ix >= 0 && ix < w ? x[rowBase + ix] : 0f);
                            }
                        }
                    }
                    t += run;
                    ox = 0;
                    oy++;
                }
                zero(dst, d + 4L * cols, nr - cols);
            }
            if (++kx == kw) { // next row of the column matrix: (ci, ky, kx) in odometer order
                kx = 0;
                if (++ky == kh) {
                    ky = 0;
                    ci++;
                }
            }
        }
    }

    /** A source of zeros for bulk copies: {@code asSlice(..).fill(..)} would allocate a slice per padding run. */
    private static final float[] ZEROS = new float[256];

    private static void zero(MemorySegment dst, long off, int n) {
        for (int done = 0; done < n; ) {
            int c = Math.min(n - done, ZEROS.length);
            MemorySegment.copy(ZEROS, 0, dst, F32, off + 4L * done, c);
            done += c;
        }
    }

    @Override
    public String toString() {
        return "implicit im2col [" + kh + "x" + kw + " over " + h + "x" + w + " -> " + oh + "x" + ow + "]";
    }
}
