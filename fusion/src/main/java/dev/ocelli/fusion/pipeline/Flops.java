package dev.ocelli.fusion.pipeline;

import dev.ocelli.encoders.vit.VitConfig;

/** Multiply-add FLOP counts (2 per MAC) of the encoders, as the stage tables report them. */
final class Flops {

    private Flops() {
    }

    /**
     * {@code layers} ViT layers over {@code tokens} tokens: q/k/v/out projections 4·C², MLP 2·C·mlp,
     * attention Q·Kᵀ and P·V 2·n·C per token with n = the attended tokens (window² for SAM's
     * window layers, padded windows counted as the kernels run them).
     */
    static double vit(VitConfig cfg, int batch, int gridH, int gridW, boolean cls, int layers) {
        long c = cfg.hiddenSize();
        long tokens = (long) gridH * gridW + (cls ? 1 : 0);
        double f = 0;
        for (int i = 0; i < layers; i++) {
            int win = cfg.windowOf(i);
            double linear = 2.0 * tokens * (4 * c * c + 2 * c * cfg.intermediateSize());
            double attn;
            if (win > 0) {
                long ph = (gridH + win - 1) / win * win, pw = (gridW + win - 1) / win * win;
                attn = 2 * 2.0 * ph * pw * (long) win * win * c;
            } else {
                attn = 2 * 2.0 * tokens * tokens * c;
            }
            f += linear + attn;
        }
        // patch embedding conv
        f += 2.0 * gridH * gridW * c * cfg.numChannels() * cfg.patchSize() * cfg.patchSize();
        return f * batch;
    }

    /** SAM's full neck: 1×1 conv C→n, 3×3 conv n→n. */
    static double samNeck(VitConfig cfg, int batch, int grid, boolean full) {
        double f = 2.0 * grid * grid * cfg.hiddenSize() * cfg.neckChannels();
        if (full) {
            f += 2.0 * grid * grid * cfg.neckChannels() * cfg.neckChannels() * 9;
        }
        return f * batch;
    }
}
