package dev.ocelli.kernels.resample;

/**
 * The 1-D interpolation taps of one axis: output index o reads inputs idx[o·taps + j] with weights
 * w[o·taps + j], j ∈ [0, taps). Unused taps (antialias filters with fewer inputs near the border)
 * repeat the last index with weight 0. The index and weight arithmetic follows PyTorch 1.13's
 * UpSample.h / UpSampleKernel.cpp in float, as PyTorch computes it for float tensors, so the
 * weights match bit for bit in the common cases.
 */
public record Taps(int taps, int[] idx, float[] w) {

    static Taps of(Interp mode, boolean alignCorners, int in, int out) {
        return switch (mode) {
            case NEAREST -> nearest(in, out);
            case BILINEAR -> linear(alignCorners, in, out);
            case BICUBIC -> cubic(alignCorners, in, out);
            case BICUBIC_AA -> cubicAntialias(alignCorners, in, out);
        };
    }

    /** area_pixel_compute_scale for a size-based call (no scale_factor). */
    static float scale(boolean alignCorners, int in, int out) {
        if (alignCorners) {
            return out > 1 ? (float) (in - 1) / (out - 1) : 0f;
        }
        return (float) in / out;
    }

    /** area_pixel_compute_source_index. */
    static float sourceIndex(float scale, int dst, boolean alignCorners, boolean cubic) {
        if (alignCorners) {
            return scale * dst;
        }
        float src = scale * (dst + 0.5f) - 0.5f;
        return (!cubic && src < 0) ? 0f : src;
    }

    static Taps nearest(int in, int out) {
        int[] idx = new int[out];
        float[] w = new float[out];
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            if (out == in) {
                idx[o] = o;
            } else if (out == 2 * in) {
                idx[o] = o >> 1;
            } else {
                idx[o] = Math.min((int) Math.floor(o * scale), in - 1);
            }
            w[o] = 1f;
        }
        return new Taps(1, idx, w);
    }

    static Taps linear(boolean alignCorners, int in, int out) {
        int[] idx = new int[2 * out];
        float[] w = new float[2 * out];
        float scale = scale(alignCorners, in, out);
        for (int o = 0; o < out; o++) {
            int i0, i1;
            float l0, l1;
            if (out == in) {
                i0 = o;
                i1 = o;
                l0 = 1f;
                l1 = 0f;
            } else {
                float real = sourceIndex(scale, o, alignCorners, false);
                i0 = (int) real;
                i1 = i0 + (i0 < in - 1 ? 1 : 0);
                l1 = real - i0;
                l0 = 1f - l1;
            }
            idx[2 * o] = i0;
            idx[2 * o + 1] = i1;
            w[2 * o] = l0;
            w[2 * o + 1] = l1;
        }
        return new Taps(2, idx, w);
    }

    static final float CUBIC_A = -0.75f;

    static float cubic1(float x, float a) {
        return ((a + 2) * x - (a + 3)) * x * x + 1;
    }

    static float cubic2(float x, float a) {
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }

    static Taps cubic(boolean alignCorners, int in, int out) {
        int[] idx = new int[4 * out];
        float[] w = new float[4 * out];
        float scale = scale(alignCorners, in, out);
        for (int o = 0; o < out; o++) {
            float real = sourceIndex(scale, o, alignCorners, true);
            int i0 = (int) Math.floor(real);
            float t = real - i0;
            w[4 * o] = cubic2(t + 1f, CUBIC_A);
            w[4 * o + 1] = cubic1(t, CUBIC_A);
            w[4 * o + 2] = cubic1(1f - t, CUBIC_A);
            w[4 * o + 3] = cubic2(2f - t, CUBIC_A);
            for (int j = 0; j < 4; j++) {
                idx[4 * o + j] = Math.min(Math.max(i0 - 1 + j, 0), in - 1);
            }
        }
        return new Taps(4, idx, w);
    }

    /** PIL's bicubic filter, a = −0.5 (PyTorch uses it for antialias=True, for PIL parity). */
    static float aaCubic(float x) {
        final float a = -0.5f;
        x = Math.abs(x);
        if (x < 1f) {
            return cubic1(x, a);
        }
        if (x < 2f) {
            return cubic2(x, a);
        }
        return 0f;
    }

    static Taps cubicAntialias(boolean alignCorners, int in, int out) {
        float scale = scale(alignCorners, in, out);
        float support = scale >= 1f ? 2f * scale : 2f; // interp_size/2 = 2, widened when downscaling
        int taps = (int) Math.ceil(support) * 2 + 1;
        int[] idx = new int[taps * out];
        float[] w = new float[taps * out];
        float invscale = scale >= 1f ? (float) (1.0 / scale) : 1f;
        for (int o = 0; o < out; o++) {
            // PyTorch mixes float (scalar_t) and double literals here; mirrored cast by cast
            float center = (float) (scale * (o + 0.5));
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xsize = Math.min((int) (center + support + 0.5), in) - xmin;
            float total = 0f;
            for (int j = 0; j < xsize; j++) {
                float v = aaCubic((float) ((j + xmin - center + 0.5) * invscale));
                w[o * taps + j] = v;
                total += v;
            }
            for (int j = 0; j < taps; j++) {
                if (j < xsize) {
                    if (total != 0f) {
                        w[o * taps + j] /= total;
                    }
                    idx[o * taps + j] = xmin + j;
                } else {
                    w[o * taps + j] = 0f;
                    idx[o * taps + j] = xmin + Math.max(xsize - 1, 0);
                }
            }
        }
        return new Taps(taps, idx, w);
    }
}
