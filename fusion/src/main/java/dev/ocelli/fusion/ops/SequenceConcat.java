package dev.ocelli.fusion.ops;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sequence-level merging of two encoders' projected tokens.
 *
 * <p>{@link #interleave}: LEO (arXiv 2501.06986; code {@code leo_chat/leo/model/leo_chat/modeling_leo_chat.py}).
 * <b>code ≠ paper</b>: the paper draws a sequence concatenation, the code interleaves token by token
 * inside each tile:
 * <pre>
 *   V1, V2 [T, N, H]  →  M [T, 2N, H],  M[:, 0::2] = V1,  M[:, 1::2] = V2  →  flattened [T·2N, H]
 * </pre>
 * tiles in the order given (grid order, then the thumbnail, as {@code dynamic_preprocess} makes them).
 *
 * <p>{@link #append}: the plain "sequence append" baseline EAGLE compares against: the parts one after
 * the other, with an optional separator embedding {@code separator} [S, H] (learned, S rows) between
 * consecutive parts. Without a separator this op has no weights.
 */
public final class SequenceConcat {

    private final Tensor separator; // [S, H] or null

    /** @param separator [S, H] rows inserted between parts, or null */
    public SequenceConcat(Tensor separator) {
        if (separator != null && separator.rank() != 2) {
            throw new ShapeException("separator must be [S, H], got " + Shapes.str(separator.shape()));
        }
        this.separator = separator;
    }

    /** LEO's per-tile interleave: V1, V2 [T, N, H] → [T·2N, H]. */
    public static Tensor interleave(Tensor v1, Tensor v2) {
        if (!Arrays.equals(v1.shape(), v2.shape()) || v1.rank() != 3) {
            throw new ShapeException("interleave needs two [T, N, H] tensors of one shape, got "
                    + Shapes.str(v1.shape()) + " and " + Shapes.str(v2.shape()));
        }
        long t = v1.size(0), n = v1.size(1), h = v1.size(2);
        // stack on a new axis after the token axis: [T, N, 2, H] has exactly M's order
        Tensor m = Tensor.concat(2, v1.unsqueeze(2), v2.unsqueeze(2));
        return m.reshape(t * 2 * n, h);
    }

    /** Parts [N_i, H] (or [1, N_i, H]) → [ΣN_i + (parts−1)·S, H]. */
    public Tensor append(List<Tensor> parts) {
        List<Tensor> seq = new ArrayList<>();
        long h = -1;
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            if (p.rank() == 3 && p.size(0) == 1) {
                p = p.squeeze(0);
            }
            if (p.rank() != 2 || (h >= 0 && p.size(1) != h)) {
                throw new ShapeException("append: part " + i + " is " + Shapes.str(p.shape()) + ", expected [N, "
                        + (h >= 0 ? h : "H") + "]");
            }
            h = p.size(1);
            if (i > 0 && separator != null) {
                if (separator.size(1) != h) {
                    throw new ShapeException("append: separator " + Shapes.str(separator.shape())
                            + " does not match the width " + h);
                }
                seq.add(separator);
            }
            seq.add(p);
        }
        return Tensor.concat(0, seq);
    }
}
