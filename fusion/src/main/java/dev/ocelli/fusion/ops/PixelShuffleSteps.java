package dev.ocelli.fusion.ops;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.F;

/**
 * The two token-merging steps of LEO's encoders (LEO {@code modeling_leo_chat.py}), as pipeline
 * steps from an encoder's output to projector input tokens. T = tiles.
 *
 * <pre>
 *   internVl(x [T, 1+h·w, C] with CLS)  drop CLS → [T, h, w, C] → InternVL pixel_shuffle v2 (0.5)
 *                                       → [T, h/2·w/2, 4C]      Y[t, a, b, (2i+j)·C + c] = X[t, 2a+i, 2b+j, c]
 *   unshuffle(x [T, C, H, W], r)        F.pixel_unshuffle → [T, C·r², H/r, W/r] → tokens [T, H/r·W/r, C·r²]
 *                                       out[t, c·r² + i·r + j, h, w] = x[t, c, h·r+i, w·r+j]
 * </pre>
 * The two orders differ on purpose (offset-major vs channel-major): each follows its code.
 */
public final class PixelShuffleSteps {

    private PixelShuffleSteps() {
    }

    /** InternViT tokens with CLS [T, 1+N, C] → [T, N/4, 4C] (InternVL {@code pixel_shuffle}, version 2). */
    public static Tensor internVl(Tensor tokensWithCls) {
        long[] sh = tokensWithCls.shape();
        if (sh.length != 3) {
            throw new ShapeException("InternVL pixel shuffle expects [T, 1+N, C], got " + Shapes.str(sh));
        }
        long n = sh[1] - 1;
        int s = TokenMaps.side(n, "InternViT tokens " + Shapes.str(sh) + " without CLS");
        Tensor grid = tokensWithCls.narrow(1, 1, n).reshape(sh[0], s, s, sh[2]);
        Tensor y = F.internVlPixelShuffle(grid, 0.5f, 2);
        return y.reshape(sh[0], -1, y.size(3));
    }

    /** [T, C, H, W] → [T, (H/r)(W/r), C·r²] ({@code F.pixel_unshuffle} then flatten to tokens). */
    public static Tensor unshuffle(Tensor map, int r) {
        return TokenMaps.toTokens(F.pixelUnshuffle(map, r)).contiguous();
    }
}
