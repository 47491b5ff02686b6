package dev.ocelli.core.safetensors;

import dev.ocelli.core.OcelliException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** A tensor name that a file or checkpoint does not hold; the message suggests close names. */
public final class NoSuchTensorException extends OcelliException {

    private final String tensor;
    private final List<String> suggestions;

    private NoSuchTensorException(String message, String tensor, List<String> suggestions) {
        super(message);
        this.tensor = tensor;
        this.suggestions = suggestions;
    }

    public String tensor() {
        return tensor;
    }

    /** Up to three stored names closest to the requested one. */
    public List<String> suggestions() {
        return suggestions;
    }

    static NoSuchTensorException of(String where, String name, Collection<String> available) {
        List<String> close = closest(name, available, 3);
        StringBuilder sb = new StringBuilder();
        sb.append(where).append(": no tensor '").append(SafetensorsFormatException.printable(name))
                .append("' among ").append(available.size()).append(" tensors");
        if (!close.isEmpty()) {
            sb.append("; did you mean ");
            for (int i = 0; i < close.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append('\'').append(close.get(i)).append('\'');
            }
            sb.append('?');
        }
        return new NoSuchTensorException(sb.toString(), name, close);
    }

    /**
     * Names within an edit distance of a third of the requested name's length (at least 2),
     * closest first. Checkpoint keys usually differ by a prefix ("model.") or an index, which
     * this catches.
     */
    static List<String> closest(String name, Collection<String> available, int max) {
        int limit = Math.max(2, name.length() / 3);
        record Scored(String name, int distance) {
        }
        List<Scored> scored = new ArrayList<>();
        for (String a : available) {
            if (Math.abs(a.length() - name.length()) > limit) {
                continue;
            }
            int d = levenshtein(name, a, limit);
            if (d <= limit) {
                scored.add(new Scored(a, d));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(max, scored.size()); i++) {
            out.add(scored.get(i).name());
        }
        return out;
    }

    /** Edit distance, giving up (returning limit + 1) once every cell of a row exceeds limit. */
    static int levenshtein(String a, String b, int limit) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
