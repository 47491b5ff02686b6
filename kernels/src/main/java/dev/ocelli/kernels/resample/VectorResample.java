package dev.ocelli.kernels.resample;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Vector API {@link Resample}: interpolation runs as two separable passes per plane.
 * <ol>
 *   <li>Horizontal: every input row is resampled to outW columns into a scratch plane [inH, outW]
 *       (gathers along the row; scalar, the same products and order as the scalar twin).</li>
 *   <li>Vertical: each output row is Σ_i wy_i · scratch[iy_i, :], vectorized along the row,
 *       multiply then add (no FMA) so the result is bit-identical to the scalar twin.</li>
 * </ol>
 * This does inH·outW·tapsW + outH·outW·tapsH multiply-adds instead of the scalar twin's
 * outH·outW·tapsH·tapsW. The scratch plane is a per-thread buffer kept between calls (no
 * allocation in steady state); the tap tables (O(outH + outW)) are built per call.
 * Pooling (avg_pool2d, adaptive_avg_pool2d) runs with lanes along the output columns, each
 * lane gathering its own window ({@code ResampleKernels*.windowAverage}), summed in the scalar
 * twin's order: same bits as {@link ScalarResample}.
 * Species structure as in {@link dev.ocelli.kernels.act.VectorActivations}: the loops live in the
 * generated per-width classes {@code ResampleKernels128/256/512} (template
 * {@code kernels/src/main/templates/ResampleKernels.java.in}).
 */
public abstract sealed class VectorResample implements Resample {

    public static final VectorResample S128 = new W128();
    public static final VectorResample S256 = new W256();
    public static final VectorResample S512 = new W512();

    public static VectorResample preferred() {
        return forBits(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    public static VectorResample forBits(int bits) {
        return switch (bits) {
            case 128 -> S128;
            case 256 -> S256;
            case 512 -> S512;
            default -> throw new IllegalArgumentException("no float species of " + bits + " bits");
        };
    }

    /** Per-thread scratch plane of the separable passes, grown on demand. */
    static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private VectorResample() {}

    @Override
    public void avgPool2d(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                          int kH, int kW, int sH, int sW, int pH, int pW) {
        int outH = Resample.poolOutSize(inH, kH, sH, pH);
        int outW = Resample.poolOutSize(inW, kW, sW, pW);
        if (outW < MIN_VECTOR_COLUMNS) {
            ScalarResample.INSTANCE.avgPool2d(out, outOff, in, inOff, planes, inH, inW, kH, kW, sH, sW, pH, pW);
            return;
        }
        Resample.checkRange("avg_pool2d input", in, inOff, (long) planes * inH * inW);
        Resample.checkRange("avg_pool2d output", out, outOff, (long) planes * outH * outW);
        // windows as ScalarResample.avgPool2d: padded cells count (count_include_pad), are not read
        int[] rowStart = new int[outH], rowEnd = new int[outH], rowCount = new int[outH];
        for (int oy = 0; oy < outH; oy++) {
            int h0 = oy * sH - pH, h1 = Math.min(h0 + kH, inH + pH);
            rowStart[oy] = Math.max(h0, 0);
            rowEnd[oy] = Math.min(h1, inH);
            rowCount[oy] = h1 - h0;
        }
        int padded = roundUp(outW);
        int[] colStart = new int[padded], colWidth = new int[padded], colCount = new int[padded];
        int maxWidth = 0;
        for (int ox = 0; ox < outW; ox++) {
            int w0 = ox * sW - pW, w1 = Math.min(w0 + kW, inW + pW);
            colStart[ox] = Math.max(w0, 0);
            colWidth[ox] = Math.max(0, Math.min(w1, inW) - colStart[ox]);
            colCount[ox] = w1 - w0;
            maxWidth = Math.max(maxWidth, colWidth[ox]);
        }
        Arrays.fill(colCount, outW, padded, 1); // padding lanes: 0 / 1, never stored
        windowAverage(out, outOff, in, inOff, planes, inH, inW, outH, outW, rowStart, rowEnd, rowCount,
                gatherTable(colStart, colWidth, maxWidth, padded), colWidth, colCount, maxWidth, padded);
    }

    @Override
    public void adaptiveAvgPool2d(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                                  int outH, int outW) {
        if (outW < MIN_VECTOR_COLUMNS) { // e.g. global pooling: few lanes busy, long windows; same bits either way
            ScalarResample.INSTANCE.adaptiveAvgPool2d(out, outOff, in, inOff, planes, inH, inW, outH, outW);
            return;
        }
        Resample.checkSizes("adaptive_avg_pool2d", planes, inH, inW, outH, outW);
        Resample.checkRange("adaptive_avg_pool2d input", in, inOff, (long) planes * inH * inW);
        Resample.checkRange("adaptive_avg_pool2d output", out, outOff, (long) planes * outH * outW);
        int[] rowStart = new int[outH], rowEnd = new int[outH], rowCount = new int[outH];
        for (int oy = 0; oy < outH; oy++) {
            rowStart[oy] = ScalarResample.adaptiveStart(oy, inH, outH);
            rowEnd[oy] = ScalarResample.adaptiveEnd(oy, inH, outH);
            rowCount[oy] = rowEnd[oy] - rowStart[oy];
        }
        int padded = roundUp(outW);
        int[] colStart = new int[padded], colWidth = new int[padded], colCount = new int[padded];
        int maxWidth = 0;
        for (int ox = 0; ox < outW; ox++) {
            colStart[ox] = ScalarResample.adaptiveStart(ox, inW, outW);
            colWidth[ox] = ScalarResample.adaptiveEnd(ox, inW, outW) - colStart[ox];
            colCount[ox] = colWidth[ox];
            maxWidth = Math.max(maxWidth, colWidth[ox]);
        }
        Arrays.fill(colCount, outW, padded, 1);
        windowAverage(out, outOff, in, inOff, planes, inH, inW, outH, outW, rowStart, rowEnd, rowCount,
                gatherTable(colStart, colWidth, maxWidth, padded), colWidth, colCount, maxWidth, padded);
    }

    /**
     * Pooling to fewer output columns runs the scalar twin: lanes run along the output columns,
     * so a 6-column output keeps 6 of 16 lanes busy and gathers once per window column (adaptive
     * 96² → 6² measured 2.2× slower than scalar; 96² → 48² with 2×2 windows 1.9× faster).
     */
    static final int MIN_VECTOR_COLUMNS = 8;

    /** outW rounded up to whole vectors of the widest species (16 lanes), so table loads need no mask. */
    private static int roundUp(int n) {
        return (n + 15) / 16 * 16;
    }

    /**
     * [maxWidth][padded] column offsets colStart + dx, clamped to the window's last column (or 0 for
     * an empty window) where dx is past it: the gather checks masked-off lanes' indices too.
     */
    private static int[] gatherTable(int[] colStart, int[] colWidth, int maxWidth, int padded) {
        int[] g = new int[maxWidth * padded];
        for (int dx = 0; dx < maxWidth; dx++) {
            for (int ox = 0; ox < padded; ox++) {
                g[dx * padded + ox] = colWidth[ox] == 0 ? 0 : colStart[ox] + Math.min(dx, colWidth[ox] - 1);
            }
        }
        return g;
    }

    /** The per-width loop of the two poolings. */
    abstract void windowAverage(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW,
                                int outH, int outW, int[] rowStart, int[] rowEnd, int[] rowCount, int[] gather,
                                int[] colWidth, int[] colCount, int maxWidth, int padded);

    private static final class W128 extends VectorResample {
        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            ResampleKernels128.interpolate(mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        void windowAverage(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW, int outH,
                           int outW, int[] rowStart, int[] rowEnd, int[] rowCount, int[] gather, int[] colWidth,
                           int[] colCount, int maxWidth, int padded) {
            ResampleKernels128.windowAverage(out, outOff, in, inOff, planes, inH, inW, outH, outW, rowStart, rowEnd,
                    rowCount, gather, colWidth, colCount, maxWidth, padded);
        }

        @Override
        public String name() {
            return "vector-128";
        }
    }

    private static final class W256 extends VectorResample {
        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            ResampleKernels256.interpolate(mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        void windowAverage(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW, int outH,
                           int outW, int[] rowStart, int[] rowEnd, int[] rowCount, int[] gather, int[] colWidth,
                           int[] colCount, int maxWidth, int padded) {
            ResampleKernels256.windowAverage(out, outOff, in, inOff, planes, inH, inW, outH, outW, rowStart, rowEnd,
                    rowCount, gather, colWidth, colCount, maxWidth, padded);
        }

        @Override
        public String name() {
            return "vector-256";
        }
    }

    private static final class W512 extends VectorResample {
        @Override
        public void interpolate(Interp mode, boolean alignCorners, float[] out, int outOff, float[] in, int inOff,
                                int planes, int inH, int inW, int outH, int outW) {
            ResampleKernels512.interpolate(mode, alignCorners, out, outOff, in, inOff, planes, inH, inW, outH, outW);
        }

        @Override
        void windowAverage(float[] out, int outOff, float[] in, int inOff, int planes, int inH, int inW, int outH,
                           int outW, int[] rowStart, int[] rowEnd, int[] rowCount, int[] gather, int[] colWidth,
                           int[] colCount, int maxWidth, int padded) {
            ResampleKernels512.windowAverage(out, outOff, in, inOff, planes, inH, inW, outH, outW, rowStart, rowEnd,
                    rowCount, gather, colWidth, colCount, maxWidth, padded);
        }

        @Override
        public String name() {
            return "vector-512";
        }
    }
}
