package dev.ocelli.encoders.weights;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds where a model's keys start inside a checkpoint. The published layouts nest the same
 * module under different prefixes:
 * <pre>
 *   ""                                                    InternViT-300M-448px, bare timm ConvNeXt
 *   vision_model.                                         HF CLIPModel / CLIPVisionModel, InternVL chat models
 *   visual.trunk.                                         open_clip ConvNeXt
 *   vision_encoder.                                       HF SamModel
 *   model.vision_tower.vision_tower.vision_model.         LLaVA / Mini-Gemini
 *   model.vision_tower.fast_vision_tower.vision_tower.vision_model.   LLaVA-HR
 *   model.vision_tower.vision_towers.{i}.…                EAGLE
 * </pre>
 * Rather than keep a list that is never complete, detection looks for the model's anchor keys
 * (relative names only that model has, e.g. CLIP's {@code pre_layrnorm.weight}) and takes the
 * text before them. Several candidates (two CLIP towers in one file) is an error that lists
 * them, so the user can pass one explicitly.
 */
public final class Prefixes {

    private Prefixes() {
    }

    /**
     * The prefix ("" or ending in '.') before the first anchor found in {@code source}.
     *
     * @throws CheckpointException when no anchor matches, or matches under several prefixes
     */
    public static String detect(WeightSource source, String... anchors) {
        Set<String> found = new TreeSet<>();
        for (String anchor : anchors) {
            for (String n : source.names()) {
                if (n.equals(anchor)) {
                    found.add("");
                } else if (n.endsWith("." + anchor)) {
                    found.add(n.substring(0, n.length() - anchor.length()));
                }
            }
            if (!found.isEmpty()) {
                break;
            }
        }
        if (found.isEmpty()) {
            throw new CheckpointException(source.describe() + ": cannot find the model's keys (looked for a key ending in "
                    + String.join(" or ", anchors) + "; keys look like " + sample(source.names())
                    + "); is this the right --model, or pass the prefix explicitly");
        }
        if (found.size() > 1) {
            throw new CheckpointException(source.describe() + ": the model's keys appear under " + found.size()
                    + " prefixes " + found + "; pass one explicitly");
        }
        return found.iterator().next();
    }

    /** The first few names, for error messages. */
    static String sample(Set<String> names) {
        List<String> s = new ArrayList<>();
        Iterator<String> it = names.iterator();
        while (it.hasNext() && s.size() < 3) {
            s.add(it.next());
        }
        if (s.isEmpty()) {
            return "(no keys at all)";
        }
        return String.join(", ", s) + (names.size() > 3 ? ", ..." : "");
    }
}
