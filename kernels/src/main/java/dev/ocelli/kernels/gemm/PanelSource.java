package dev.ocelli.kernels.gemm;

import java.lang.foreign.MemorySegment;

/**
 * A GEMM operand that exists only as a rule, not as memory: the packing routine asks it for
 * packed panels instead of reading a matrix. Convolution uses it for implicit im2col
 * ({@code dev.ocelli.kernels.conv.ImplicitIm2col}): the K×N "column matrix" of a k×k convolution
 * is produced panel by panel straight from the input image, so the full im2col buffer
 * (K·N floats, 9× the input for 3×3) is never built.
 *
 * <p>Wrap it with {@link Operand#implicit(PanelSource)}; it can stand on either side. Implementations
 * must be safe to call from several GEMM threads at once on disjoint ranges (they should hold no
 * mutable state).
 */
public interface PanelSource {

    /** Element (i, j) of the virtual matrix: the definition, used by the reference backends and edge paths. */
    float get(long i, long j);

    /**
     * Writes rows [p0, p0+kc) × columns [j0, j0+nc) as the GEMM's packed B block: panel q holds
     * columns [q·nr, q·nr+nr) and element (p, j) of that panel goes to float index
     * {@code q·nr·kc + p·nr + j} of {@code dst} (little-endian F32); columns past nc are zeros.
     * The default gathers through {@link #get}.
     */
    default void packB(int p0, int kc, int j0, int nc, int nr, MemorySegment dst) {
        for (int q = 0; q < nc; q += nr) {
            int cols = Math.min(nr, nc - q);
            long panel = (long) q * kc;
            for (int p = 0; p < kc; p++) {
                long d = 4 * (panel + (long) p * nr);
                for (int j = 0; j < nr; j++, d += 4) {
                    dst.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, d, j < cols ? get(p0 + p, j0 + q + j) : 0f);
                }
            }
        }
    }

    /**
     * As {@link #packB(int, int, int, int, int, MemorySegment)} with the block starting at byte
     * {@code dstOff} of {@code dst}: the threads of a GEMM each pack their own part of one shared
     * block. The default slices {@code dst} (one small object per call); a source on a hot path
     * overrides this form, so a GEMM call allocates nothing.
     */
    default void packB(int p0, int kc, int j0, int nc, int nr, MemorySegment dst, long dstOff) {
        packB(p0, kc, j0, nc, nr, dstOff == 0 ? dst : dst.asSlice(dstOff));
    }

    /**
     * Writes rows [i0, i0+mc) × columns [p0, p0+kc) as the GEMM's packed A block: panel q holds
     * rows [q·mr, q·mr+mr) and element (r, p) of that panel goes to {@code dst[q·mr·kc + p·mr + r]};
     * rows past mc are zeros. {@code dst} has at least two preferred vectors of slack past the
     * block, so a packed row may be written as whole vectors that run into the next rows (which
     * are written afterwards). The default gathers through {@link #get}.
     */
    default void packA(int i0, int mc, int p0, int kc, int mr, float[] dst) {
        for (int q = 0; q < mc; q += mr) {
            for (int p = 0; p < kc; p++) {
                int d = q * kc + p * mr;
                for (int r = 0; r < mr; r++) {
                    dst[d + r] = q + r < mc ? get(i0 + q + r, p0 + p) : 0f;
                }
            }
        }
    }
}
