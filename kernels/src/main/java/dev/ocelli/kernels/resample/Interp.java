package dev.ocelli.kernels.resample;

/** Interpolation modes of {@code F.interpolate} that Ocelli supports (size-based, 2-D, NCHW). */
public enum Interp {
    /** mode='nearest' (PyTorch's legacy nearest: src = floor(dst·in/out), clamped). */
    NEAREST,
    /** mode='bilinear', antialias=False. */
    BILINEAR,
    /** mode='bicubic', antialias=False: cubic convolution with A = −0.75, clamped border taps. */
    BICUBIC,
    /**
     * mode='bicubic', antialias=True ({@code _upsample_bicubic2d_aa}): PIL-style separable filter,
     * cubic kernel with a = −0.5, support 2·max(1, in/out), weights normalized per output pixel,
     * taps outside the image dropped (not clamped).
     */
    BICUBIC_AA
}
