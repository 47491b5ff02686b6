package dev.ocelli.encoders.vit;

import dev.ocelli.encoders.weights.CheckpointException;
import dev.ocelli.encoders.weights.HfConfig;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.gemm.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The architecture of one member of the ViT family. CLIP ViT, InternViT and SAM's image encoder
 * are the same pre-norm transformer ({@code x += attn(LN1 x); x += mlp(LN2 x)}); the
 * {@link Family} fixes what differs between them, the numbers fix the size.
 *
 * <pre>
 *                   CLIP ViT (HF)          InternViT-300M           SAM ViT (HF)
 *   patch conv      no bias                bias                     bias, output NHWC
 *   class token     class_embedding [C]    class_embedding [1,1,C]  none
 *   positions       [N+1, C] Embedding     [1, N+1, C] Parameter    pos_embed [1, g, g, C]
 *   pre-norm        pre_layrnorm           -                        -
 *   q/k/v           q_proj, k_proj, v_proj attn.qkv (fused)         attn.qkv (fused)
 *   layer scale     -                      ls1, ls2                 -
 *   MLP act         quick_gelu             gelu (erf)               gelu (erf)
 *   attention       global                 global                   14×14 windows + global layers,
 *                                                                   decomposed rel-pos
 *   after layers    post_layernorm on CLS  -                        neck → [B, 256, 64, 64]
 * </pre>
 *
 * @param globalAttnIndexes SAM layers with global attention (all others windowed); empty otherwise
 * @param windowSize        SAM window (0 = every layer global)
 * @param neckChannels      SAM neck output channels (256)
 * @param neck              SAM neck variant
 * @param shortNeckConv     key (relative, without ".weight") of the short neck's 1×1 conv (default neck.conv1)
 * @param shortNeckNorm     key (relative) of the short neck's LayerNorm2d (default neck.layer_norm1)
 */
public record VitConfig(Family family, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                        int numChannels, int imageSize, int patchSize, Activation act, float layerNormEps,
                        boolean qkvBias, boolean useRelPos, int windowSize, int[] globalAttnIndexes,
                        int neckChannels, Neck neck, String shortNeckConv, String shortNeckNorm) {

    /** Which published model's layout and block variant. */
    public enum Family {
        CLIP, INTERNVIT, SAM;

        /** A relative key only this family has, for prefix detection. */
        String anchor() {
            return switch (this) {
                case CLIP -> "pre_layrnorm.weight";
                case INTERNVIT -> "encoder.layers.0.ls1";
                case SAM -> "patch_embed.projection.weight";
            };
        }
    }

    /** SAM's neck: HF's full neck, EAGLE's short one, or none (stop at the last layer). */
    public enum Neck { FULL, SHORT, NONE }

    public VitConfig {
        globalAttnIndexes = globalAttnIndexes == null ? new int[0] : globalAttnIndexes.clone();
        if (hiddenSize <= 0 || numHeads <= 0 || hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " must be a positive multiple of the "
                    + numHeads + " heads");
        }
        if (numLayers < 0 || patchSize <= 0 || imageSize < patchSize || intermediateSize <= 0) {
            throw new IllegalArgumentException("bad ViT config: layers " + numLayers + ", patch " + patchSize
                    + ", image " + imageSize + ", mlp " + intermediateSize);
        }
        for (int g : globalAttnIndexes) {
            if (g < 0 || g >= numLayers) {
                throw new IllegalArgumentException("global attention layer " + g + " outside 0.." + (numLayers - 1));
            }
        }
        if (neck == null) {
            neck = family == Family.SAM ? Neck.FULL : Neck.NONE;
        }
        if (shortNeckConv == null) {
            shortNeckConv = "neck.conv1";
        }
        if (shortNeckNorm == null) {
            shortNeckNorm = "neck.layer_norm1";
        }
    }

    @Override
    public int[] globalAttnIndexes() {
        return globalAttnIndexes.clone();
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Patches per side of the image the position embeddings were trained for. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    public boolean hasClassToken() {
        return family != Family.SAM;
    }

    /** Window of layer {@code i}: 0 = global attention. */
    public int windowOf(int layer) {
        if (family != Family.SAM || windowSize <= 0) {
            return 0;
        }
        for (int g : globalAttnIndexes) {
            if (g == layer) {
                return 0;
            }
        }
        return windowSize;
    }

    /** The same architecture with another layer count (tests, truncated towers). */
    public VitConfig withLayers(int n) {
        int[] g = Arrays.stream(globalAttnIndexes).filter(i -> i < n).toArray();
        return new VitConfig(family, hiddenSize, intermediateSize, n, numHeads, numChannels, imageSize, patchSize, act,
                layerNormEps, qkvBias, useRelPos, windowSize, g, neckChannels, neck, shortNeckConv, shortNeckNorm);
    }

    /**
     * SAM with another neck. EAGLE's short neck ({@code ShortSamVisionNeck} in NVlabs/EAGLE
     * {@code sam_encoder.py}) has keys {@code neck.conv1.weight}, {@code neck.layer_norm1.*}, the
     * defaults when the keys given are null.
     */
    public VitConfig withNeck(Neck n, String shortConvKey, String shortNormKey) {
        return new VitConfig(family, hiddenSize, intermediateSize, numLayers, numHeads, numChannels, imageSize, patchSize,
                act, layerNormEps, qkvBias, useRelPos, windowSize, globalAttnIndexes, neckChannels, n, shortConvKey,
                shortNormKey);
    }

    // ---------------------------------------------------------------- presets

    /** openai/clip-vit-large-patch14-336: 24 layers, 1024 wide, 16 heads, patch 14 at 336 (24×24 grid). */
    public static VitConfig clipVitL14_336() {
        return new VitConfig(Family.CLIP, 1024, 4096, 24, 16, 3, 336, 14, Activation.QUICK_GELU, 1e-5f,
                true, false, 0, null, 0, Neck.NONE, null, null);
    }

    /** OpenGVLab/InternViT-300M-448px: 24 layers, 1024 wide, 16 heads, patch 14 at 448 (32×32 grid). */
    public static VitConfig internVit300m448() {
        return new VitConfig(Family.INTERNVIT, 1024, 4096, 24, 16, 3, 448, 14, Activation.GELU_ERF, 1e-6f,
                true, false, 0, null, 0, Neck.NONE, null, null);
    }

    /** facebook/sam-vit-large image encoder: 24 layers, 1024 wide, patch 16 at 1024, windows of 14, neck 256. */
    public static VitConfig samVitL() {
        return new VitConfig(Family.SAM, 1024, 4096, 24, 16, 3, 1024, 16, Activation.GELU_ERF, 1e-6f,
                true, true, 14, new int[] {5, 11, 17, 23}, 256, Neck.FULL, null, null);
    }

    /** Preset by name: clip-vit-l-14-336, internvit-300m-448, sam-vit-l. */
    public static VitConfig preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "clip-vit-l-14-336" -> clipVitL14_336();
            case "internvit-300m-448" -> internVit300m448();
            case "sam-vit-l" -> samVitL();
            default -> throw new IllegalArgumentException("unknown ViT preset '" + name
                    + "' (clip-vit-l-14-336, internvit-300m-448, sam-vit-l)");
        };
    }

    public static List<String> presetNames() {
        return List.of("clip-vit-l-14-336", "internvit-300m-448", "sam-vit-l");
    }

    // ---------------------------------------------------------------- from config.json / keys

    /** From a parsed HF config.json. */
    public static VitConfig fromHf(HfConfig c) {
        return switch (c) {
            case HfConfig.Clip k -> new VitConfig(Family.CLIP, k.hiddenSize(), k.intermediateSize(), k.numHiddenLayers(),
                    k.numAttentionHeads(), k.numChannels(), k.imageSize(), k.patchSize(), activation(k.hiddenAct()),
                    (float) k.layerNormEps(), true, false, 0, null, 0, Neck.NONE, null, null);
            case HfConfig.InternVit k -> {
                if (k.qkNormalization() || !k.normType().equals("layer_norm")) {
                    throw new CheckpointException("InternViT with norm_type '" + k.normType() + "' and qk_normalization "
                            + k.qkNormalization() + " (InternViT-6B) is not supported; InternViT-300M uses layer_norm without qk norm");
                }
                yield new VitConfig(Family.INTERNVIT, k.hiddenSize(), k.intermediateSize(), k.numHiddenLayers(),
                        k.numAttentionHeads(), k.numChannels(), k.imageSize(), k.patchSize(), activation(k.hiddenAct()),
                        (float) k.layerNormEps(), k.qkvBias(), false, 0, null, 0, Neck.NONE, null, null);
            }
            case HfConfig.Sam k -> {
                if (!k.useAbsPos()) {
                    throw new CheckpointException("SAM config with use_abs_pos=false is not supported");
                }
                yield new VitConfig(Family.SAM, k.hiddenSize(), k.mlpDim(), k.numHiddenLayers(), k.numAttentionHeads(),
                        k.numChannels(), k.imageSize(), k.patchSize(), activation(k.hiddenAct()), (float) k.layerNormEps(),
                        k.qkvBias(), k.useRelPos(), k.windowSize(), k.globalAttnIndexes(), k.outputChannels(), Neck.FULL,
                        null, null);
            }
        };
    }

    static Activation activation(String hfName) {
        return switch (hfName) {
            case "quick_gelu" -> Activation.QUICK_GELU;
            case "gelu" -> Activation.GELU_ERF;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            default -> throw new CheckpointException("hidden_act '" + hfName + "' is not supported (quick_gelu, gelu, gelu_pytorch_tanh)");
        };
    }

    /**
     * Infers the architecture of {@code family} from a checkpoint's keys and shapes (a bare
     * .safetensors file without config.json): width and patch from the patch conv, layers by
     * counting, MLP width from fc1, image size from the position embedding, SAM's window and
     * global layers from the rel-pos table lengths. Heads are not stored anywhere: width/64 (true
     * for every released model of these families). Norm eps is the family's.
     */
    public static VitConfig infer(Family family, StateDict sd) {
        String patchKey = family == Family.SAM ? "patch_embed.projection.weight" : "embeddings.patch_embedding.weight";
        long[] pw = need(sd, patchKey, 4);
        int hidden = (int) pw[0], channels = (int) pw[1], patch = (int) pw[2];
        String layerRoot = family == Family.SAM ? "layers." : "encoder.layers.";
        int layers = 0;
        while (sd.has(layerRoot + layers + "." + switch (family) {
            case CLIP -> "layer_norm1.weight";
            case INTERNVIT -> "norm1.weight";
            case SAM -> "layer_norm1.weight";
        })) {
            layers++;
        }
        int heads = Math.max(1, hidden / 64);
        String fc1 = layerRoot + "0." + (family == Family.SAM ? "mlp.lin1.weight" : "mlp.fc1.weight");
        int mlp = layers > 0 ? (int) need(sd, fc1, 2)[0] : 4 * hidden;
        switch (family) {
            case CLIP -> {
                long n = need(sd, "embeddings.position_embedding.weight", 2)[0] - 1;
                int side = (int) Math.round(Math.sqrt(n));
                return new VitConfig(family, hidden, mlp, layers, heads, channels, side * patch, patch,
                        Activation.QUICK_GELU, 1e-5f, true, false, 0, null, 0, Neck.NONE, null, null);
            }
            case INTERNVIT -> {
                long n = need(sd, "embeddings.position_embedding", 3)[1] - 1;
                int side = (int) Math.round(Math.sqrt(n));
                boolean bias = sd.has("encoder.layers.0.attn.qkv.bias");
                return new VitConfig(family, hidden, mlp, layers, heads, channels, side * patch, patch,
                        Activation.GELU_ERF, 1e-6f, bias, false, 0, null, 0, Neck.NONE, null, null);
            }
            default -> {
                int grid = (int) need(sd, "pos_embed", 4)[1];
                boolean relPos = sd.has("layers.0.attn.rel_pos_h");
                int window = 0;
                List<Integer> global = new ArrayList<>();
                for (int i = 0; i < layers && relPos; i++) {
                    int len = (int) need(sd, "layers." + i + ".attn.rel_pos_h", 2)[0];
                    if (len == 2 * grid - 1) {
                        global.add(i);
                    } else {
                        window = (len + 1) / 2;
                    }
                }
                // EAGLE's short neck is HF's neck without conv2 / layer_norm2
                Neck neck = !sd.has("neck.conv1.weight") ? Neck.NONE : sd.has("neck.conv2.weight") ? Neck.FULL : Neck.SHORT;
                long[] nc = neck == Neck.NONE ? null : sd.shapeOf("neck.conv1.weight");
                return new VitConfig(family, hidden, mlp, layers, heads, channels, grid * patch, patch, Activation.GELU_ERF,
                        1e-6f, sd.has("layers.0.attn.qkv.bias"), relPos, window,
                        global.stream().mapToInt(Integer::intValue).toArray(), nc == null ? 256 : (int) nc[0], neck, null, null);
            }
        }
    }

    private static long[] need(StateDict sd, String key, int rank) {
        long[] s = sd.shapeOf(key);
        if (s == null || s.length != rank) {
            throw new CheckpointException(sd.source().describe() + ": cannot infer the architecture: "
                    + sd.fullKey(key) + (s == null ? " is missing" : " has rank " + s.length + ", expected " + rank)
                    + "; give a config.json or a preset");
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VitConfig c && family == c.family && hiddenSize == c.hiddenSize
                && intermediateSize == c.intermediateSize && numLayers == c.numLayers && numHeads == c.numHeads
                && numChannels == c.numChannels && imageSize == c.imageSize && patchSize == c.patchSize && act == c.act
                && Float.compare(layerNormEps, c.layerNormEps) == 0 && qkvBias == c.qkvBias && useRelPos == c.useRelPos
                && windowSize == c.windowSize && Arrays.equals(globalAttnIndexes, c.globalAttnIndexes)
                && neckChannels == c.neckChannels && neck == c.neck && shortNeckConv.equals(c.shortNeckConv)
                && shortNeckNorm.equals(c.shortNeckNorm);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {family, hiddenSize, intermediateSize, numLayers, numHeads, imageSize,
                patchSize, act, Arrays.hashCode(globalAttnIndexes), neck});
    }

    @Override
    public String toString() {
        return family + " ViT [hidden " + hiddenSize + ", mlp " + intermediateSize + ", " + numLayers + " layers, "
                + numHeads + " heads, patch " + patchSize + ", image " + imageSize + ", " + act + ", eps " + layerNormEps
                + (family == Family.SAM ? ", window " + windowSize + ", global " + Arrays.toString(globalAttnIndexes)
                + ", neck " + neck + " " + neckChannels : "") + "]";
    }
}
