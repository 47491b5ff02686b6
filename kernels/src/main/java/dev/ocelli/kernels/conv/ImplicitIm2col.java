package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.gemm.PanelSource;
import dev.ocelli.kernels.gemm.Transpose16;

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


    /** This source as a GEMM operand, made once: a call then allocates nothing for it. */
    private final Operand operand = Operand.implicit(this);
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

    Operand operand() {
        return operand;
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
        packB(p0, kc, j0, nc, nr, dst, 0);
    }

    @Override
    public void packB(int p0, int kc, int j0, int nc, int nr, MemorySegment dst, long dstOff) {
        if (sw == kw && sh == kh && ph == 0 && pw == 0 && dh == 1 && dw == 1 && p0 % kw == 0 && kc % kw == 0) {
            packPatches(p0, kc, j0, nc, nr, dst, dstOff);
            return;
        }
        int khw = kh * kw;
        // panel by panel, so the writes stream through one contiguous KC×NR panel; row-major over
        // the block (row p of every panel, then row p+1) hopped KC·NR·4 bytes per 128-byte write
        // and paid a cache miss for each (docs/kernels/conv.md)
        for (int q = 0; q < nc; q += nr) {
            int cols = Math.min(nr, nc - q);
            int j = j0 + q;
            int oy0 = j / ow, ox0 = j - oy0 * ow;
            int ci = p0 / khw, r = p0 % khw, ky = r / kw, kx = r % kw;
            long d = dstOff + 4L * q * kc;                         // byte offset of row 0 of panel q
            for (int p = 0; p < kc; p++, d += 4L * nr) {
                int plane = xOff + ci * h * w;
                int dy = ky * dh - ph, dx = kx * dw - pw;
                int oy = oy0, ox = ox0;
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
                if (++kx == kw) { // next row of the column matrix: (ci, ky, kx) in odometer order
                    kx = 0;
                    if (++ky == kh) {
                        ky = 0;
                        ci++;
                    }
                }
            }
        }
    }

    /**
     * {@link #packB} for a patchify (kernel = stride, no padding or dilation) over whole groups of
     * KW rows. For one panel, one output row and one (ci, ky), the input row segment holds `run`
     * patches of KW consecutive floats; the KW packed rows (ci, ky, 0..KW−1) take them transposed.
     * Where 512-bit vectors are real and 8 ≤ KW ≤ 16, 16 patches at a time go through the 16×16
     * register transpose ({@link Transpose16#pack}, patch j as row j); the other pixels of a run
     * are read with stride KW and written in order. Vector gathers here profiled at 15% of a
     * 14/14 patchify, the scalar transpose at about 5% (docs/kernels/conv.md).
     */
    private void packPatches(int p0, int kc, int j0, int nc, int nr, MemorySegment dst, long dstOff) {
        int khw = kh * kw, plane = h * w;
        boolean transposes = Transpose16.FAST && kw >= 8 && kw <= 16;
        for (int q = 0; q < nc; q += nr) {
            int cols = Math.min(nr, nc - q);
            int j = j0 + q;
            int oy0 = j / ow, ox0 = j - oy0 * ow;
            long panel = dstOff + 4L * q * kc;
            for (int p = 0; p < kc; p += kw) {      // one (ci, ky): KW packed rows
                int ci = (p0 + p) / khw, ky = (p0 + p) % khw / kw;
                long d = panel + 4L * p * nr;
                int oy = oy0, ox = ox0;
                // the 16×16 transpose writes 16 packed rows: rows KW..15 belong to the next
                // (ci, ky) of this panel, or the next panel, both written later; only the block's
                // very last rows have nothing after them
                boolean vector = transposes && (p + 16 <= kc || q + nr < nc);
                for (int t = 0; t < cols; ) {
                    int run = Math.min(cols - t, ow - ox);
                    int src = xOff + ci * plane + (oy * kh + ky) * w + ox * kw;
                    int u = 0;
                    if (vector) {
                        // 16 patches at a time: patch j is row j (KW floats apart), its taps kx
                        // are columns; each transposed row is packed row kx for those 16 pixels
                        for (; u + 16 <= run && src + (u + 15) * kw + 16 <= x.length; u += 16) {
                            Transpose16.pack(x, src + u * kw, kw, dst, d + 4L * (t + u), 4L * nr);
                        }
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        long dr = d + 4L * ((long) kx * nr + t);
                        for (int v = u, si = src + kx + u * kw; v < run; v++, si += kw) {
                            dst.set(F32, dr + 4L * v, x[si]);
                        }
                    }
                    t += run;
                    ox = 0;
                    oy++;
                }
                if (cols < nr) {
                    for (int kx = 0; kx < kw; kx++) {
                        zero(dst, d + 4L * ((long) kx * nr + cols), nr - cols);
                    }
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
