package dev.ocelli.encoders.weights;

import dev.ocelli.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's view of a {@link WeightSource}: keys relative to the model's root (as the PyTorch
 * module's own {@code state_dict()} names them), resolved under a prefix, with the strict
 * bookkeeping of {@code load_state_dict(strict=True)}.
 *
 * <p>A model's constructor {@link #take}s every parameter it has, giving the shape it expects.
 * Problems are collected rather than thrown, so one run lists them all: a missing or mismatched
 * key yields a zero placeholder (a stride-0 view, no memory) and construction carries on; then
 * {@link #finish()} throws a {@link CheckpointException} with the full {@link LoadReport} if
 * anything was wrong. Keys under the prefix that nobody took are "unexpected", except
 * the known-unused ones ({@link #KNOWN_UNUSED} and {@link #skipUnused}), which are noted in one
 * line each. Keys outside the prefix (a text tower, another encoder, the LLM) are the
 * checkpoint's business, not this model's, and are summarised in one note.
 *
 * <pre>{@code
 * StateDict sd = StateDict.detect(weights, null, "pre_layrnorm.weight");  // finds "vision_model."
 * Tensor w = sd.take("embeddings.patch_embedding.weight", 1024, 3, 14, 14);
 * sd.child("encoder.layers.0.").take("mlp.fc1.weight", 4096, 1024);
 * LoadReport r = sd.finish();
 * }</pre>
 * Not thread-safe; used while a model is built.
 */
public final class StateDict {

    /**
     * Relative key prefixes that are never this library's business even when they sit under the
     * model prefix: CLIPModel's text tower and projections, SAM's prompt encoder and mask decoder,
     * classifier heads.
     */
    public static final List<String> KNOWN_UNUSED = List.of(
            "text_model.", "logit_scale", "visual_projection.", "text_projection.",
            "prompt_encoder.", "mask_decoder.", "shared_image_embedding.", "head.", "fc_norm.");

    private final WeightSource source;
    private final String prefix;
    private final Shared shared;
    private final String sub; // relative sub-prefix of a child view

    /** Bookkeeping shared by a StateDict and its children. */
    private static final class Shared {
        final Set<String> taken = new LinkedHashSet<>();
        final List<String> missing = new ArrayList<>();
        final List<LoadReport.Mismatch> mismatched = new ArrayList<>();
        final List<String> unused = new ArrayList<>(KNOWN_UNUSED);
    }

    private StateDict(WeightSource source, String prefix, Shared shared, String sub) {
        this.source = source;
        this.prefix = prefix;
        this.shared = shared;
        this.sub = sub;
    }

    /** Keys under an explicit {@code prefix} ("" for none). */
    public static StateDict of(WeightSource source, String prefix) {
        String p = prefix == null ? "" : prefix;
        if (!p.isEmpty() && !p.endsWith(".")) {
            p = p + ".";
        }
        if (!p.isEmpty()) {
            boolean any = false;
            for (String n : source.names()) {
                if (n.startsWith(p)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                throw new CheckpointException(source.describe() + ": no key starts with the prefix '" + p
                        + "' (keys look like " + Prefixes.sample(source.names()) + ")");
            }
        }
        return new StateDict(source, p, new Shared(), "");
    }

    /**
     * The prefix given, or the one found by {@link Prefixes#detect}: the part before the first
     * anchor key (relative to the model root) that the checkpoint contains.
     */
    public static StateDict detect(WeightSource source, String explicitPrefix, String... anchors) {
        if (explicitPrefix != null) {
            return of(source, explicitPrefix);
        }
        return of(source, Prefixes.detect(source, anchors));
    }

    /** A view of the keys under {@code relPrefix} (e.g. "encoder.layers.3."), sharing the bookkeeping. */
    public StateDict child(String relPrefix) {
        return new StateDict(source, prefix, shared, sub + relPrefix);
    }

    public WeightSource source() {
        return source;
    }

    /** The model prefix ("" or ending in '.'). */
    public String prefix() {
        return prefix;
    }

    /** The full checkpoint key of a relative key. */
    public String fullKey(String key) {
        return prefix + sub + key;
    }

    /** True if the checkpoint has {@code key} (relative). */
    public boolean has(String key) {
        return source.contains(fullKey(key));
    }

    /** Stored shape of {@code key} (relative), or null when absent. Does not mark it taken. */
    public long[] shapeOf(String key) {
        String k = fullKey(key);
        return source.contains(k) ? source.shape(k) : null;
    }

    /**
     * Relative names (relative to this view) of every key under this view, in file order:
     * what a model infers its architecture from (ConvNeXt depths, layer count).
     */
    public List<String> keys() {
        String p = prefix + sub;
        List<String> out = new ArrayList<>();
        for (String n : source.names()) {
            if (n.startsWith(p)) {
                out.add(n.substring(p.length()));
            }
        }
        return out;
    }

    /**
     * The F32 weight {@code key} (relative), checked against {@code shape}. Missing or
     * mismatched keys are recorded and a zero placeholder of {@code shape} is returned.
     */
    public Tensor take(String key, long... shape) {
        String k = fullKey(key);
        shared.taken.add(k);
        if (!source.contains(k)) {
            shared.missing.add(k);
            return placeholder(shape);
        }
        long[] actual = source.shape(k);
        if (!Arrays.equals(actual, shape)) {
            shared.mismatched.add(new LoadReport.Mismatch(k, shape.clone(), actual));
            return placeholder(shape);
        }
        return source.tensor(k);
    }

    /** Like {@link #take} but an absent key is fine: returns null (optional parameters). */
    public Tensor takeOptional(String key, long... shape) {
        return has(key) ? take(key, shape) : null;
    }

    /**
     * A weight whose shape the model does not know up front (it adapts to it, e.g. SAM's
     * {@code rel_pos_h}, resized when its length differs); rank is checked.
     */
    public Tensor takeAnyShape(String key, int rank) {
        String k = fullKey(key);
        shared.taken.add(k);
        if (!source.contains(k)) {
            shared.missing.add(k);
            return null;
        }
        long[] actual = source.shape(k);
        if (actual.length != rank) {
            long[] want = new long[rank];
            Arrays.fill(want, -1);
            shared.mismatched.add(new LoadReport.Mismatch(k, want, actual));
            return null;
        }
        return source.tensor(k);
    }

    /** Marks {@code key} (relative) as used without reading it (buffers such as {@code position_ids}). */
    public void ignore(String key) {
        shared.taken.add(fullKey(key));
    }

    /** Adds relative key prefixes that are skipped with a note instead of reported unexpected. */
    public StateDict skipUnused(String... relPrefixes) {
        shared.unused.addAll(Arrays.asList(relPrefixes));
        return this;
    }

    private static Tensor placeholder(long[] shape) {
        return Tensor.scalar(0f).expand(shape);
    }

    /** The report so far (does not throw). */
    public LoadReport report() {
        List<String> unexpected = new ArrayList<>();
        Map<String, Integer> skippedInside = new LinkedHashMap<>();
        Map<String, Integer> outside = new LinkedHashMap<>();
        for (String n : source.names()) {
            if (!n.startsWith(prefix)) {
                String top = n.contains(".") ? n.substring(0, n.indexOf('.') + 1) + "*" : n;
                outside.merge(top, 1, Integer::sum);
                continue;
            }
            if (shared.taken.contains(n)) {
                continue;
            }
            String rel = n.substring(prefix.length());
            String hit = null;
            for (String u : shared.unused) {
                if (rel.startsWith(u)) {
                    hit = u;
                    break;
                }
            }
            if (hit != null) {
                skippedInside.merge(hit.endsWith(".") ? hit + "*" : hit, 1, Integer::sum);
            } else {
                unexpected.add(n);
            }
        }
        List<String> notes = new ArrayList<>();
        if (!skippedInside.isEmpty()) {
            notes.add("skipped " + total(skippedInside) + " known-unused keys under '" + prefix + "': " + groups(skippedInside));
        }
        if (!outside.isEmpty()) {
            notes.add("skipped " + total(outside) + " keys outside '" + prefix + "': " + groups(outside));
        }
        return new LoadReport(source.describe(), prefix, shared.missing, unexpected, shared.mismatched, notes);
    }

    /**
     * Ends loading: the report when every key matched, else a {@link CheckpointException}
     * carrying it.
     */
    public LoadReport finish() {
        LoadReport r = report();
        if (!r.ok()) {
            throw new CheckpointException(r);
        }
        return r;
    }

    private static int total(Map<String, Integer> m) {
        int t = 0;
        for (int v : m.values()) {
            t += v;
        }
        return t;
    }

    private static String groups(Map<String, Integer> m) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, Integer> e : m.entrySet()) {
            if (shown == 6) {
                sb.append(", ... (").append(m.size() - shown).append(" more groups)");
                break;
            }
            if (shown++ > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(" (").append(e.getValue()).append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "StateDict[" + source.describe() + ", prefix '" + prefix + sub + "']";
    }
}
