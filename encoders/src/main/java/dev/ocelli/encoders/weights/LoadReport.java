package dev.ocelli.encoders.weights;

import dev.ocelli.core.Shapes;
import java.util.List;

/**
 * What matching a checkpoint against a model found, in the terms of PyTorch's
 * {@code load_state_dict}: keys the model needs but the checkpoint lacks, keys under the model's
 * prefix that the model does not use, and keys whose stored shape differs from the one the model
 * expects. Keys are the full checkpoint names (prefix included).
 *
 * @param source     the checkpoint, as {@link WeightSource#describe()}
 * @param prefix     the prefix the model's keys were read under ("" for none)
 * @param missing    needed, absent
 * @param unexpected present under the prefix, unused, and not known to be unused
 * @param mismatched present with the wrong shape
 * @param skipped    one-line notes about keys skipped on purpose (text tower, heads, other towers)
 */
public record LoadReport(String source, String prefix, List<String> missing, List<String> unexpected,
                         List<Mismatch> mismatched, List<String> skipped) {

    /** A key whose stored shape differs from the model's. */
    public record Mismatch(String key, long[] expected, long[] actual) {
        @Override
        public String toString() {
            return key + ": checkpoint has " + Shapes.str(actual) + ", model expects " + Shapes.str(expected);
        }
    }

    public LoadReport {
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
        skipped = List.copyOf(skipped);
    }

    /** True when the checkpoint fits exactly (skipped keys are fine). */
    public boolean ok() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /** One line: "checkpoint X does not fit <model> (prefix 'p'): 2 missing keys (a, b), 1 shape mismatch (c ...)". */
    public String summary() {
        if (ok()) {
            return source + ": all keys matched under prefix '" + prefix + "'";
        }
        StringBuilder sb = new StringBuilder(source).append(" does not fit the model (prefix '").append(prefix).append("'): ");
        String sep = "";
        if (!missing.isEmpty()) {
            sb.append(sep).append(count(missing.size(), "missing key")).append(" (").append(firstFew(missing)).append(')');
            sep = ", ";
        }
        if (!mismatched.isEmpty()) {
            sb.append(sep).append(count(mismatched.size(), "shape mismatch")).append(" (").append(mismatched.get(0));
            sb.append(mismatched.size() > 1 ? ", ...)" : ")");
            sep = ", ";
        }
        if (!unexpected.isEmpty()) {
            sb.append(sep).append(count(unexpected.size(), "unexpected key")).append(" (").append(firstFew(unexpected)).append(')');
        }
        return sb.toString();
    }

    /** The summary, then every problem on its own line, then the skipped-key notes. */
    public String details() {
        StringBuilder sb = new StringBuilder(summary()).append('\n');
        for (String k : missing) {
            sb.append("  missing:    ").append(k).append('\n');
        }
        for (Mismatch m : mismatched) {
            sb.append("  mismatch:   ").append(m).append('\n');
        }
        for (String k : unexpected) {
            sb.append("  unexpected: ").append(k).append('\n');
        }
        for (String s : skipped) {
            sb.append("  note:       ").append(s).append('\n');
        }
        return sb.toString();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : what.endsWith("h") ? "es" : "s");
    }

    private static String firstFew(List<String> keys) {
        int show = Math.min(3, keys.size());
        String s = String.join(", ", keys.subList(0, show));
        return keys.size() > show ? s + ", ..." : s;
    }
}
