package dev.ocelli.kernels.conv;

import dev.ocelli.kernels.gemm.Operand;
import dev.ocelli.kernels.gemm.PanelSource;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;


/**
 * Implicit im2row: the patch matrix of one image and one group with output pixels as rows, produced
 * panel by panel inside the GEMM's A packing, never as a whole. The GEMM it feeds is
 * <pre>
 *   C[P, OC/G] = row[P, K] · W_gᵀ[K, OC/G]
 *   row[(oy, ox), (ci, ky, kx)] = xpad[ci, oy·sH + ky·dH, ox·sW + kx·dW]
 *   // K = (C/G)·KH·KW in (ci, ky, kx) order = PyTorch's weight [OC, C/G, KH, KW] flattened
 * </pre>
 * where {@code xpad} is the input with its zero padding written out ([C/G, H+2pH, W+2pW]), so no
 * tap needs a bounds check.
 *
 * <p>Why pixels as rows (A) rather than as columns (B, {@link ImplicitIm2col}): a 3×3 conv at
 * 256 channels has M = OC = 256 rows against P = 4096 pixels. With pixels on the B side the packed
 * B block (KC×NC, 8 MB) is written to L3 and re-read for only 256 rows of A, so its packing is
 * amortised over 256 rows; on the A side each packed MC×KC block (a few hundred KB) stays in L2,
 * is used at once against the whole weight (packed once per call, 2.4 MB), and the weight is
 * amortised over 4096 rows. Measured in {@code docs/kernels/conv.md}.
 *
 * <p>Packed A layout (the GEMM's, see {@code Packing}): panel q = rows [q·MR, q·MR+MR), element
 * (r, p) at float {@code q·MR·kc + p·MR + r}. With stride 1 the MR pixels of a panel that sits in
 * one output row read MR consecutive floats of one padded input row for every tap, so each packed
 * row is one contiguous vector copy; a panel that wraps to the next output row (at OW = 64 and
 * MR = 12, two in sixteen) is two, the second starting where the first run ends. Strides &gt; 1 and
 * the partial last panel take a gather.
 *
 * <p>Mutable so one instance per calling thread is reused; {@link #set} happens before the GEMM
 * starts (the worker pool's hand-off orders it), and the GEMM's threads only read.
 */
final class ImplicitIm2row implements PanelSource {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats the padded input needs past its end: a packed row is copied as whole vectors. */
    static final int SLACK = 2 * S.length();

    /** This source as a GEMM operand, made once: a call then allocates nothing for it. */
    private final Operand operand = Operand.implicit(this);
    private float[] xpad;
    private int xOff;
    private int hp, wp, kh, kw, sh, sw, dh, dw, ow;
    /**
     * tap[j]: offset in xpad (from xOff) of column j = (ci, ky, kx) of the patch matrix at output
     * pixel (0, 0). Built once per {@link #set} (K ints) and only read by the packing threads: a
     * table lookup per packed row replaced an odometer with three branches, and the packing loop
     * became a straight load/store stream, 5× faster (docs/kernels/conv.md, step 6).
     */
    private int[] tap = new int[0];

    /** Points at the padded planes xpad [C/G, H+2pH, W+2pW] at xOff (plus {@link #SLACK} floats) for the sizes of {@code s}. */
    ImplicitIm2row set(float[] xpad, int xOff, ConvShape s) {
        this.xpad = xpad;
        this.xOff = xOff;
        hp = s.h() + 2 * s.ph(); wp = s.w() + 2 * s.pw();
        kh = s.kh(); kw = s.kw(); sh = s.sh(); sw = s.sw(); dh = s.dh(); dw = s.dw(); ow = s.ow();
        int k = s.cg() * kh * kw, plane = hp * wp;
        if (tap.length < k) {
            tap = new int[k];   // grows once per larger shape; reused by every later call
        }
        int j = 0;
        for (int ci = 0; ci < s.cg(); ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    tap[j++] = ci * plane + ky * dh * wp + kx * dw;
                }
            }
        }
        return this;
    }

    Operand operand() {
        return operand;
    }

    @Override
    public float get(long i, long j) {
        int khw = kh * kw;
        int oy = (int) (i / ow), ox = (int) (i % ow);
        int ci = (int) (j / khw), r = (int) (j % khw), ky = r / kw, kx = r % kw;
        return xpad[xOff + (ci * hp + oy * sh + ky * dh) * wp + ox * sw + kx * dw];
    }

    @Override
    public void packA(int i0, int mc, int p0, int kc, int mr, float[] dst) {
        for (int q = 0; q < mc; q += mr) {
            int rows = Math.min(mr, mc - q);
            int j = i0 + q, oy0 = j / ow, ox0 = j - oy0 * ow;
            // offset of the panel's first pixel in a padded plane, at tap (0, 0)
            int pix = xOff + oy0 * sh * wp + ox0 * sw;
            int d = q * kc;
            boolean full = sw == 1 && rows == mr;
            int first = ow - ox0;   // pixels of the panel left in its first output row
            if (full && first >= mr) {
                copyRuns(dst, d, p0, kc, mr, pix);
            } else if (full && mr - first <= ow) {
                // a full stride-1 panel that wraps once: two runs, the second from the next output row
                copyRuns2(dst, d, p0, kc, mr, pix, xOff + (oy0 + 1) * sh * wp, first);
            } else {
                for (int p = 0; p < kc; p++, d += mr) {
                    gather(dst, d, xOff + tap[p0 + p], oy0, ox0, rows, mr);
                }
            }
        }
    }

    /**
     * Packed rows p of one panel: mr consecutive floats of xpad from tap[p0 + p] + src, as whole
     * preferred vectors (one 16-lane copy for MR = 12 on 512-bit). The overshoot lands in the next
     * packed row, which is written after this one, or in the slack both buffers keep past their end.
     */
    private void copyRuns(float[] dst, int d, int p0, int kc, int mr, int src) {
        int[] tap = this.tap;
        float[] x = xpad;
        if (mr <= S.length()) {
            for (int p = 0; p < kc; p++, d += mr) {
                FloatVector.fromArray(S, x, tap[p0 + p] + src).intoArray(dst, d);
            }
            return;
        }
        for (int p = 0; p < kc; p++, d += mr) {
            int t = tap[p0 + p] + src;
            for (int r = 0; r < mr; r += S.length()) {
                FloatVector.fromArray(S, x, t + r).intoArray(dst, d + r);
            }
        }
    }

    /**
     * As {@link #copyRuns} for a panel that wraps: its first {@code first} pixels from src, the
     * rest from src2 (the next output row). The second copy starts where the first run ends and
     * overwrites its overshoot.
     */
    private void copyRuns2(float[] dst, int d, int p0, int kc, int mr, int src, int src2, int first) {
        int[] tap = this.tap;
        float[] x = xpad;
        int second = mr - first;
        if (mr <= S.length()) {
            for (int p = 0; p < kc; p++, d += mr) {
                int t = tap[p0 + p];
                FloatVector.fromArray(S, x, t + src).intoArray(dst, d);
                FloatVector.fromArray(S, x, t + src2).intoArray(dst, d + first);
            }
            return;
        }
        for (int p = 0; p < kc; p++, d += mr) {
            int t = tap[p0 + p];
            for (int r = 0; r < first; r += S.length()) {
                FloatVector.fromArray(S, x, t + src + r).intoArray(dst, d + r);
            }
            for (int r = 0; r < second; r += S.length()) {
                FloatVector.fromArray(S, x, t + src2 + r).intoArray(dst, d + first + r);
            }
        }
    }

    /** One packed row of a panel whose pixels wrap to later output rows or are strided; zeros past {@code rows}. */
    private void gather(float[] dst, int d, int tap, int oy, int ox, int rows, int mr) {
        for (int r = 0; r < rows; ) {
            int run = Math.min(rows - r, ow - ox);      // pixels left in this output row
            int src = tap + oy * sh * wp + ox * sw;
            for (int u = 0; u < run; u++, src += sw) {
                dst[d + r + u] = xpad[src];
            }
            r += run;
            ox = 0;
            oy++;
        }
        java.util.Arrays.fill(dst, d + rows, d + mr, 0f);
    }

    /**
     * xpad [cg, H+2pH, W+2pW] ← the cg planes of x at xOff with zero borders, for planes
     * [c0, c1) (the caller splits planes over threads).
     */
    static void pad(float[] xpad, float[] x, int xOff, ConvShape s, int c0, int c1) {
        int h = s.h(), w = s.w(), ph = s.ph(), pw = s.pw(), hp = h + 2 * ph, wp = w + 2 * pw;
        for (int c = c0; c < c1; c++) {
            int dp = c * hp * wp, sp = xOff + c * h * w;
            java.util.Arrays.fill(xpad, dp, dp + ph * wp, 0f);
            for (int y = 0; y < h; y++) {
                int dr = dp + (y + ph) * wp;
                java.util.Arrays.fill(xpad, dr, dr + pw, 0f);
                System.arraycopy(x, sp + y * w, xpad, dr + pw, w);
                java.util.Arrays.fill(xpad, dr + pw + w, dr + wp, 0f);
            }
            java.util.Arrays.fill(xpad, dp + (h + ph) * wp, dp + hp * wp, 0f);
        }
    }

    @Override
    public String toString() {
        return "implicit im2row [" + kh + "x" + kw + " -> " + ow + " wide rows]";
    }
}
