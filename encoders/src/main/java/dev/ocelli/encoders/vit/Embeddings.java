package dev.ocelli.encoders.vit;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.vit.VitConfig.Family;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.F;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Patch embedding, class token and position embeddings of the ViT family.
 *
 * <p>HF {@code CLIPVisionEmbeddings}, InternViT's {@code InternVisionEmbeddings} and HF
 * {@code SamPatchEmbeddings} + {@code SamVisionEncoder.pos_embed}:
 * <pre>
 *   patches = conv_p×p/stride p(pixels)                                 [B, C, gh, gw]
 *   CLIP, InternViT: x = cat(class_embedding, patchesᵀ) + pos           [B, 1 + gh·gw, C]
 *                    (or patchesᵀ + pos[1:] with the CLS dropped before the encoder)
 *   SAM:             x = patches.permute(0,2,3,1) + pos_embed           [B, gh, gw, C]
 * </pre>
 * Positions for a grid other than the trained square one are resized as {@link VitOptions.PosResize}
 * says, once per (grid, mode), and cached (thread-safe: the value is a pure function of the key).
 *
 * <p>Keys: CLIP {@code embeddings.{class_embedding [C], patch_embedding.weight, position_embedding.weight [N+1, C]}};
 * InternViT {@code embeddings.{class_embedding [1,1,C], patch_embedding.{weight,bias}, position_embedding [1, N+1, C]}};
 * SAM {@code patch_embed.projection.{weight,bias}}, {@code pos_embed [1, g, g, C]}.
 */
final class Embeddings {

    private final VitConfig cfg;
    /** [C, channels, p, p] (mapped), bias [C] or null. */
    private final Tensor patchWeight;
    private final Tensor patchBias;
    /** [C], or null for SAM. */
    private final float[] classEmbedding;
    /** The class token's position [C] (null for SAM) and the patch positions [side·side, C]. */
    private final float[] classPosition;
    private final float[] patchPositions;
    private final ConcurrentHashMap<String, float[]> resized = new ConcurrentHashMap<>();

    Embeddings(VitConfig cfg, StateDict sd) {
        this.cfg = cfg;
        int c = cfg.hiddenSize(), p = cfg.patchSize(), g = cfg.gridSize();
        long[] pw = {c, cfg.numChannels(), p, p};
        switch (cfg.family()) {
            case CLIP -> {
                patchWeight = sd.take("embeddings.patch_embedding.weight", pw);
                patchBias = null;
                classEmbedding = Params.floats(sd, "embeddings.class_embedding", c);
                float[] pos = Params.floats(sd, "embeddings.position_embedding.weight", g * g + 1, c);
                classPosition = java.util.Arrays.copyOfRange(pos, 0, c);
                patchPositions = java.util.Arrays.copyOfRange(pos, c, pos.length);
                sd.ignore("embeddings.position_ids"); // a buffer older HF checkpoints store
            }
            case INTERNVIT -> {
                patchWeight = sd.take("embeddings.patch_embedding.weight", pw);
                patchBias = Params.small(sd, "embeddings.patch_embedding.bias", c);
                classEmbedding = Params.floats(sd, "embeddings.class_embedding", 1, 1, c);
                float[] pos = Params.floats(sd, "embeddings.position_embedding", 1, g * g + 1, c);
                classPosition = java.util.Arrays.copyOfRange(pos, 0, c);
                patchPositions = java.util.Arrays.copyOfRange(pos, c, pos.length);
            }
            default -> {
                patchWeight = sd.take("patch_embed.projection.weight", pw);
                patchBias = Params.small(sd, "patch_embed.projection.bias", c);
                classEmbedding = null;
                classPosition = null;
                patchPositions = Params.floats(sd, "pos_embed", 1, g, g, c);
            }
        }
    }

    static void parameters(VitConfig cfg, List<ParamSpec> out) {
        int c = cfg.hiddenSize(), p = cfg.patchSize(), g = cfg.gridSize();
        long[] pw = {c, cfg.numChannels(), p, p};
        ParamSpec.Init e = ParamSpec.Init.EMBEDDING;
        switch (cfg.family()) {
            case CLIP -> {
                out.add(new ParamSpec("embeddings.class_embedding", new long[] {c}, e));
                out.add(new ParamSpec("embeddings.patch_embedding.weight", pw, ParamSpec.Init.WEIGHT));
                out.add(new ParamSpec("embeddings.position_embedding.weight", new long[] {g * g + 1, c}, e));
            }
            case INTERNVIT -> {
                out.add(new ParamSpec("embeddings.class_embedding", new long[] {1, 1, c}, e));
                out.add(new ParamSpec("embeddings.patch_embedding.weight", pw, ParamSpec.Init.WEIGHT));
                out.add(new ParamSpec("embeddings.patch_embedding.bias", new long[] {c}, ParamSpec.Init.BIAS));
                out.add(new ParamSpec("embeddings.position_embedding", new long[] {1, g * g + 1, c}, e));
            }
            default -> {
                out.add(new ParamSpec("patch_embed.projection.weight", pw, ParamSpec.Init.WEIGHT));
                out.add(new ParamSpec("patch_embed.projection.bias", new long[] {c}, ParamSpec.Init.BIAS));
                out.add(new ParamSpec("pos_embed", new long[] {1, g, g, c}, e));
            }
        }
    }

    /**
     * Embeds {@code pixels} [B, channels, H, W]; H and W must be multiples of the patch size
     * (PyTorch's conv would silently drop the remainder; we refuse, naming the size).
     */
    VitState embed(Tensor pixels, VitOptions opt) {
        long[] s = pixels.shape();
        int p = cfg.patchSize();
        if (s.length != 4 || s[1] != cfg.numChannels() || s[2] < p || s[3] < p || s[2] % p != 0 || s[3] % p != 0) {
            throw new dev.ocelli.core.ShapeException("pixel_values must be [B, " + cfg.numChannels()
                    + ", H, W] with H and W multiples of the patch size " + p + ", got " + dev.ocelli.core.Shapes.str(s));
        }
        Tensor conv = F.conv2d(pixels, patchWeight, patchBias, p, 0, 1, 1); // [B, C, gh, gw]
        int b = (int) s[0], c = cfg.hiddenSize(), gh = (int) (s[2] / p), gw = (int) (s[3] / p), np = gh * gw;
        Tensor convC = conv.contiguous();
        float[] src = convC.storage().floatArray();
        int srcOff = (int) convC.offset();
        float[] pos = positions(gh, gw, opt.posResize());
        boolean cls = cfg.family() != Family.SAM && !opt.dropClsBeforeEncoder();
        int n = np + (cls ? 1 : 0);
        float[] x = new float[b * n * c];
        for (int bi = 0; bi < b; bi++) {
            int xb = bi * n * c;
            if (cls) {
                for (int ch = 0; ch < c; ch++) {
                    x[xb + ch] = classEmbedding[ch] + classPosition[ch];
                }
                xb += c;
            }
            // [C, P] -> [P, C], adding the position of each patch
            int cb = srcOff + bi * c * np;
            for (int ch = 0; ch < c; ch++) {
                int row = cb + ch * np;
                for (int i = 0; i < np; i++) {
                    x[xb + i * c + ch] = src[row + i] + pos[i * c + ch];
                }
            }
        }
        Tensor h = cfg.family() == Family.SAM ? Tensor.of(x, b, gh, gw, c) : Tensor.of(x, b, n, c);
        return new VitState(h, gh, gw, cls, 0, List.of(), opt);
    }

    /** Patch positions [gh·gw, C] for a gh×gw grid. */
    float[] positions(int gh, int gw, VitOptions.PosResize mode) {
        int g = cfg.gridSize();
        if (gh == g && gw == g) {
            return patchPositions;
        }
        return resized.computeIfAbsent(gh + "x" + gw + ":" + mode, k -> resize(gh, gw, mode));
    }

    private float[] resize(int gh, int gw, VitOptions.PosResize mode) {
        int g = cfg.gridSize(), c = cfg.hiddenSize();
        // [g·g, C] -> [1, C, g, g]
        Tensor table = Tensor.of(patchPositions, 1, g, g, c).permute(0, 3, 1, 2);
        Tensor r = F.interpolate(table, gh, gw, "bicubic", false, mode == VitOptions.PosResize.BICUBIC_ANTIALIAS);
        return r.permute(0, 2, 3, 1).contiguous().toFloatArray(); // [1, gh, gw, C]
    }
}
