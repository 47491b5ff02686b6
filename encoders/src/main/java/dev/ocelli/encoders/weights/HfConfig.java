package dev.ocelli.encoders.weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vision part of a Hugging Face {@code config.json}, for the encoders Ocelli runs. Field
 * names are HF's (camel-cased); a field absent from the file takes the default of the HF config
 * class, as {@code from_pretrained} would.
 *
 * <ul>
 *   <li>{@code CLIPConfig} ({@code model_type "clip"}, nested {@code vision_config}, or the older
 *       {@code vision_config_dict}) and {@code CLIPVisionConfig} ({@code "clip_vision_model"})
 *       → {@link Clip};</li>
 *   <li>InternViT's remote-code {@code InternVisionConfig} ({@code "intern_vit_6b"}) → {@link InternVit};</li>
 *   <li>{@code SamConfig} ({@code "sam"}, nested {@code vision_config}) and {@code SamVisionConfig}
 *       ({@code "sam_vision_model"}) → {@link Sam}.</li>
 * </ul>
 */
public sealed interface HfConfig permits HfConfig.Clip, HfConfig.InternVit, HfConfig.Sam {

    /** HF {@code CLIPVisionConfig}. */
    record Clip(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                int numChannels, int imageSize, int patchSize, String hiddenAct, double layerNormEps)
            implements HfConfig {
        static Clip from(Obj o) {
            return new Clip(o.i("hidden_size", 768), o.i("intermediate_size", 3072), o.i("num_hidden_layers", 12),
                    o.i("num_attention_heads", 12), o.i("num_channels", 3), o.i("image_size", 224),
                    o.i("patch_size", 32), o.s("hidden_act", "quick_gelu"), o.d("layer_norm_eps", 1e-5));
        }
    }

    /** InternViT's {@code InternVisionConfig} (configuration_intern_vit.py). */
    record InternVit(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                     int numChannels, int imageSize, int patchSize, boolean qkvBias, boolean qkNormalization,
                     String normType, String hiddenAct, double layerNormEps) implements HfConfig {
        static InternVit from(Obj o) {
            return new InternVit(o.i("hidden_size", 3200), o.i("intermediate_size", 12800), o.i("num_hidden_layers", 48),
                    o.i("num_attention_heads", 25), o.i("num_channels", 3), o.i("image_size", 224), o.i("patch_size", 14),
                    o.b("qkv_bias", false), o.b("qk_normalization", true), o.s("norm_type", "rms_norm"),
                    o.s("hidden_act", "gelu"), o.d("layer_norm_eps", 1e-6));
        }
    }

    /** HF {@code SamVisionConfig}. */
    record Sam(int hiddenSize, int outputChannels, int numHiddenLayers, int numAttentionHeads, int numChannels,
               int imageSize, int patchSize, String hiddenAct, double layerNormEps, boolean qkvBias, int mlpDim,
               boolean useAbsPos, boolean useRelPos, int windowSize, int[] globalAttnIndexes) implements HfConfig {
        public Sam {
            globalAttnIndexes = globalAttnIndexes.clone();
        }

        @Override
        public int[] globalAttnIndexes() {
            return globalAttnIndexes.clone();
        }

        static Sam from(Obj o) {
            int hidden = o.i("hidden_size", 768);
            double ratio = o.d("mlp_ratio", 4.0);
            Integer mlpDim = o.has("mlp_dim") && o.m.get("mlp_dim") != null ? o.i("mlp_dim", 0) : null;
            return new Sam(hidden, o.i("output_channels", 256), o.i("num_hidden_layers", 12),
                    o.i("num_attention_heads", 12), o.i("num_channels", 3), o.i("image_size", 1024), o.i("patch_size", 16),
                    o.s("hidden_act", "gelu"), o.d("layer_norm_eps", 1e-6), o.b("qkv_bias", true),
                    mlpDim != null ? mlpDim : (int) (hidden * ratio), o.b("use_abs_pos", true), o.b("use_rel_pos", true),
                    o.i("window_size", 14), o.ints("global_attn_indexes", new int[] {2, 5, 8, 11}));
        }
    }

    /** Reads {@code config.json}: the vision config it holds, whatever the model type. */
    static HfConfig read(Path configJson) {
        return parse(configJson.toString(), JsonTree.read(configJson));
    }

    /**
     * Like {@link #read}, but null when the file is valid JSON of some other model type (a LLaVA
     * or InternVL chat model directory, whose config.json describes the LLM): the caller then
     * infers the tower's architecture from its keys. Malformed files and bad fields still throw.
     */
    static HfConfig readIfVision(Path configJson) {
        Map<String, Object> root = JsonTree.read(configJson);
        Object type = root.get("model_type");
        Object arch = root.get("architectures");
        boolean vision = type instanceof String t && List.of("clip", "clip_vision_model", "intern_vit_6b", "sam",
                "sam_vision_model").contains(t)
                || arch instanceof List<?> l && l.contains("InternVisionModel");
        return vision ? parse(configJson.toString(), root) : null;
    }

    /** Same from an already parsed tree; {@code where} names the file in errors. */
    @SuppressWarnings("unchecked")
    static HfConfig parse(String where, Map<String, Object> root) {
        Obj o = new Obj(where, root);
        String type = o.s("model_type", "");
        List<String> arch = new ArrayList<>();
        if (root.get("architectures") instanceof List<?> l) {
            for (Object x : l) {
                arch.add(String.valueOf(x));
            }
        }
        switch (type) {
            case "clip" -> {
                return Clip.from(o.nested(where, "vision_config", "vision_config_dict"));
            }
            case "clip_vision_model" -> {
                return Clip.from(o);
            }
            case "intern_vit_6b" -> {
                return InternVit.from(o);
            }
            case "sam" -> {
                return Sam.from(o.nested(where, "vision_config"));
            }
            case "sam_vision_model" -> {
                return Sam.from(o);
            }
            default -> {
                if (arch.contains("InternVisionModel")) {
                    return InternVit.from(o);
                }
                throw new CheckpointException(where + ": model_type '" + type + "' (architectures " + arch
                        + ") is not a vision config Ocelli reads (clip, clip_vision_model, intern_vit_6b, sam, sam_vision_model)");
            }
        }
    }

    /** Typed reads with defaults and errors that name the file and the field. */
    final class Obj {
        final String where;
        final Map<String, Object> m;

        Obj(String where, Map<String, Object> m) {
            this.where = where;
            this.m = m;
        }

        boolean has(String k) {
            return m.containsKey(k);
        }

        @SuppressWarnings("unchecked")
        Obj nested(String file, String... keys) {
            for (String k : keys) {
                if (m.get(k) instanceof Map<?, ?> sub) {
                    return new Obj(file + " " + k, (Map<String, Object>) sub);
                }
            }
            // HF builds a default vision config when the nested one is missing
            return new Obj(file + " (default " + keys[0] + ")", Map.of());
        }

        int i(String k, int def) {
            Object v = m.get(k);
            if (v == null) {
                return def;
            }
            if (v instanceof Long l && l == l.intValue()) {
                return l.intValue();
            }
            if (v instanceof Double d && d == Math.rint(d)) {
                return d.intValue();
            }
            throw new CheckpointException(where + ": " + k + " must be an integer, found " + v);
        }

        double d(String k, double def) {
            Object v = m.get(k);
            if (v == null) {
                return def;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw new CheckpointException(where + ": " + k + " must be a number, found " + v);
        }

        boolean b(String k, boolean def) {
            Object v = m.get(k);
            if (v == null) {
                return def;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw new CheckpointException(where + ": " + k + " must be true or false, found " + v);
        }

        String s(String k, String def) {
            Object v = m.get(k);
            if (v == null) {
                return def;
            }
            if (v instanceof String s) {
                return s;
            }
            throw new CheckpointException(where + ": " + k + " must be a string, found " + v);
        }

        int[] ints(String k, int[] def) {
            Object v = m.get(k);
            if (v == null) {
                return def;
            }
            if (v instanceof List<?> l) {
                int[] r = new int[l.size()];
                for (int j = 0; j < r.length; j++) {
                    if (!(l.get(j) instanceof Long x)) {
                        throw new CheckpointException(where + ": " + k + " must be a list of integers, found " + v);
                    }
                    r[j] = x.intValue();
                }
                return r;
            }
            throw new CheckpointException(where + ": " + k + " must be a list of integers, found " + v);
        }
    }
}
