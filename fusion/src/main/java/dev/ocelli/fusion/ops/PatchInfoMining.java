package dev.ocelli.fusion.ops;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.F;
import java.util.ArrayList;
import java.util.List;

/**
 * Mini-Gemini's patch info mining (Li et al., arXiv 2403.18814; code {@code mgm/model/mgm_arch.py},
 * {@code unified_resampler} and {@code encode_images}). B = batch, N = P² low-res tokens, C = CLIP
 * width, Ch = high-res channels (2880), M = high-res pixels per low-res token per side.
 *
 * <pre>
 *   XL [B, N, C]   XH [B, Ch, P·M, P·M]
 *   XHp = unfold(XH)                 [B, N, M², Ch]    token t = py·P+px owns sub-patch k = sy·M+sx at (py·M+sy, px·M+sx)
 *   Q = Linear(LN(XL))               [B, N, C]         vlm_uni_query_projector.{0: LN(C), 1: Linear(C→C)}
 *   K = Linear(LN(XHp))              [B, N, M², C]     vlm_uni_aux_projector.{0: LN(Ch), 1: Linear(Ch→C)}
 *   V = Linear(LN(XHp))                                vlm_uni_val_projector (same shapes)
 *   A = softmax_M²( nan_to_num( Q·(K/√C)ᵀ ) )          one head, one query per token
 *   O = (A·V).mean(2)                [B, N, C]
 *   T = XL + O                                         residual on the raw CLIP features
 * </pre>
 * What the code averages: {@code embed_query[:, :, None]} makes a query axis of length 1, so the
 * {@code .mean(2)} of the paper's "mean over queries" is a no-op (checked against the released
 * {@code unified_resampler}); this class skips it. {@code nan_to_num} also maps ±inf to the largest
 * finite floats, which the softmax then handles; kept.
 *
 * <p>LN eps 1e-5 (nn.LayerNorm default). LN and Linear act per position, so they run on the
 * channels-last high-res map before the unfold (same values, no M²-times gather of 2880 channels).
 * Immutable, thread-safe.
 */
public final class PatchInfoMining {

    public static final float EPS = 1e-5f;

    private final Tensor q0w, q0b, q1w, q1b;    // LN [C], Linear [C, C]
    private final Tensor k0w, k0b, k1w, k1b;    // LN [Ch], Linear [C, Ch]
    private final Tensor v0w, v0b, v1w, v1b;
    private final int c, ch;

    private PatchInfoMining(StateDict sd, int c, int ch) {
        this.c = c;
        this.ch = ch;
        StateDict q = sd.child("vlm_uni_query_projector."), k = sd.child("vlm_uni_aux_projector."),
                v = sd.child("vlm_uni_val_projector.");
        q0w = q.take("0.weight", c);
        q0b = q.take("0.bias", c);
        q1w = q.take("1.weight", c, c);
        q1b = q.take("1.bias", c);
        k0w = k.take("0.weight", ch);
        k0b = k.take("0.bias", ch);
        k1w = k.take("1.weight", c, ch);
        k1b = k.take("1.bias", c);
        v0w = v.take("0.weight", ch);
        v0b = v.take("0.bias", ch);
        v1w = v.take("1.weight", c, ch);
        v1b = v.take("1.bias", c);
    }

    /** Reads {@code vlm_uni_{query,aux,val}_projector.{0,1}.*} under {@code sd} (e.g. prefix "model."). */
    public static PatchInfoMining load(StateDict sd, int clipDim, int auxDim) {
        return new PatchInfoMining(sd, clipDim, auxDim);
    }

    public static void parameters(String p, int c, int ch, List<ParamSpec> out) {
        String[][] parts = {{"vlm_uni_query_projector.", String.valueOf(c)}, {"vlm_uni_aux_projector.", String.valueOf(ch)},
                {"vlm_uni_val_projector.", String.valueOf(ch)}};
        for (String[] part : parts) {
            int in = Integer.parseInt(part[1]);
            out.add(new ParamSpec(p + part[0] + "0.weight", new long[] {in}, ParamSpec.Init.NORM_WEIGHT));
            out.add(new ParamSpec(p + part[0] + "0.bias", new long[] {in}, ParamSpec.Init.BIAS));
            out.add(new ParamSpec(p + part[0] + "1.weight", new long[] {c, in}, ParamSpec.Init.WEIGHT));
            out.add(new ParamSpec(p + part[0] + "1.bias", new long[] {c}, ParamSpec.Init.BIAS));
        }
    }

    /** XL [B, N, C], XH [B, Ch, P·M, P·M] → T = XL + O [B, N, C]. */
    public Tensor forward(Tensor xl, Tensor xh) {
        return xl.add(mine(xl, xh));
    }

    /** The mined features O [B, N, C] alone (MGM's {@code embed_feat}). */
    public Tensor mine(Tensor xl, Tensor xh) {
        long[] ls = xl.shape(), hs = xh.shape();
        if (ls.length != 3 || ls[2] != c || hs.length != 4 || hs[1] != ch || hs[0] != ls[0] || hs[2] != hs[3]) {
            throw new ShapeException("PatchInfoMining(C=" + c + ", Ch=" + ch + ") expects XL [B, N, " + c + "] and XH [B, "
                    + ch + ", R, R], got " + Shapes.str(ls) + " and " + Shapes.str(hs));
        }
        int b = (int) ls[0];
        int p = TokenMaps.side(ls[1], "PatchInfoMining low-res tokens " + Shapes.str(ls));
        int r = (int) hs[2];
        if (r % p != 0) {
            throw new ShapeException("PatchInfoMining: high-res side " + r + " is not a multiple of the low-res grid " + p);
        }
        int m = r / p;
        float[] q = F.linear(F.layerNorm(xl, q0w, q0b, EPS), q1w, q1b).contiguous().toFloatArray(); // [B, N, C]
        Tensor hNhwc = xh.permute(0, 2, 3, 1);                                        // [B, R, R, Ch]
        float[] out = new float[b * p * p * c];
        // one band of M high-res rows (= one row of low-res tokens) at a time: LN + Linear for K
        // and V over M·R positions, then the P tokens of that row. Same values as the whole-map
        // version, but the LN/K/V intermediates stay at M·R·(Ch + 2C) floats instead of R²·(…)
        // (17 MB instead of 1.1 GB at 768², the HD map is 4× that).
        for (int bi = 0; bi < b; bi++) {
            for (int py = 0; py < p; py++) {
                Tensor band = hNhwc.narrow(0, bi, 1).narrow(1, (long) py * m, m);              // [1, M, R, Ch]
                Tensor k = unfold(F.linear(F.layerNorm(band, k0w, k0b, EPS), k1w, k1b), 1, p, m);
                Tensor v = unfold(F.linear(F.layerNorm(band, v0w, v0b, EPS), v1w, v1b), 1, p, m);
                attend(out, q, k.contiguous().toFloatArray(), v.contiguous().toFloatArray(), (bi * p + py) * p, p, m * m);
            }
        }
        return Tensor.of(out, b, (long) p * p, c);
    }

    /**
     * [B, rows·M, P·M, C] → [B, rows·P, M², C]: (py, sy, px, sx) → (py·P+px, sy·M+sx), MGM's
     * {@code reshape(b, P, M, P, M, c).permute(0, 1, 3, 2, 4, 5)} for a band of {@code rows} token rows.
     */
    static Tensor unfold(Tensor nhwc, int rows, int p, int m) {
        long b = nhwc.size(0), cc = nhwc.size(3);
        return nhwc.reshape(b, rows, m, p, m, cc).permute(0, 1, 3, 2, 4, 5).reshape(b, (long) rows * p, (long) m * m, cc);
    }

    /**
     * One query per token against its M² keys: a = q·k/√C, NaN→0 (±inf → ±max float), softmax
     * over the M² sub-patches, O = Σ a·v. Plain loops: N·M²·C·4 FLOPs (0.15 GFLOP at 768²), far
     * below the Linears, and exactly the reference's order of operations.
     */
    private void attend(float[] out, float[] q, float[] k, float[] v, int firstToken, int tokens, int mm) {
        float scale = (float) (1.0 / Math.sqrt(c));
        float[] a = new float[mm];
        for (int t = 0; t < tokens; t++) {
            int qo = (firstToken + t) * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < mm; j++) {
                int ko = (t * mm + j) * c;
                float s = 0f;
                for (int e = 0; e < c; e++) {
                    s += q[qo + e] * (k[ko + e] * scale);
                }
                s = Float.isNaN(s) ? 0f : s == Float.POSITIVE_INFINITY ? Float.MAX_VALUE
                        : s == Float.NEGATIVE_INFINITY ? -Float.MAX_VALUE : s;
                a[j] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int j = 0; j < mm; j++) {
                a[j] = (float) Math.exp(a[j] - max);
                sum += a[j];
            }
            for (int j = 0; j < mm; j++) {
                float w = (float) (a[j] / sum);
                int vo = (t * mm + j) * c;
                for (int e = 0; e < c; e++) {
                    out[qo + e] += w * v[vo + e];
                }
            }
        }
    }

    /**
     * Mini-Gemini-HD ({@code image_grid} g = 2, {@code image_global}): the crops' CLIP features,
     * the global view's, and the full high-res map.
     * <pre>
     *   crops  [B·g², N, C] (row-major crops, batch-major)   global [B, N, C]   XH [B, Ch, g·R, g·R]
     *   XH crops  = XH split g×g row-major                    [B·g², Ch, R, R]
     *   XH global = interpolate(XH, scale 1/g, bilinear, align_corners=False)   [B, Ch, R, R]
     *   out = [ global + O_global,  crop_0 + O_0, …, crop_{g²−1} + O ]         [B, (1+g²)·N, C]
     * </pre>
     */
    public Tensor forwardHd(Tensor crops, Tensor global, Tensor xh, int g) {
        long b = global.size(0), n = global.size(1);
        long r = xh.size(2) / g;
        if (crops.size(0) != b * g * g || xh.size(2) % g != 0 || xh.size(2) != xh.size(3)) {
            throw new ShapeException("PatchInfoMining HD (grid " + g + "): crops " + Shapes.str(crops.shape()) + ", global "
                    + Shapes.str(global.shape()) + ", XH " + Shapes.str(xh.shape()) + " do not fit together");
        }
        // the global view, resized a few channels at a time (a dense copy of the whole
        // channels-last map would be 1.7 GB at 1536²)
        Tensor xhGlobal = Tensor.zeros(b, ch, r, r);
        TokenMaps.interpolateInto(xhGlobal, xh, "bilinear", false);
        Tensor tg = forward(global, xhGlobal);                                        // [B, N, C]
        xhGlobal = null;
        // crop k = gy·g + gx of batch bi is the view XH[bi, :, gy·R:(gy+1)·R, gx·R:(gx+1)·R]:
        // mined in place, where [B, Ch, g, R, g, R] → [B·g², Ch, R, R] would copy the whole map
        List<Tensor> parts = new ArrayList<>();
        parts.add(tg);
        for (long bi = 0; bi < b; bi++) {
            for (int k = 0; k < g * g; k++) {
                Tensor view = xh.narrow(0, bi, 1).narrow(2, (long) (k / g) * r, r).narrow(3, (long) (k % g) * r, r);
                parts.add(forward(crops.narrow(0, bi * g * g + k, 1), view).reshape(1, n, c));
            }
        }
        if (b == 1) {
            return Tensor.concat(1, parts);
        }
        // [B, N, C] global, then per batch its g² crops: regroup batch-major
        List<Tensor> rows = new ArrayList<>();
        for (long bi = 0; bi < b; bi++) {
            List<Tensor> row = new ArrayList<>();
            row.add(tg.narrow(0, bi, 1));
            row.addAll(parts.subList(1 + (int) bi * g * g, 1 + (int) (bi + 1) * g * g));
            rows.add(Tensor.concat(1, row));
        }
        return Tensor.concat(0, rows);
    }

    public int clipDim() {
        return c;
    }

    public int auxDim() {
        return ch;
    }

    /** FLOPs (2 per MAC) for N tokens and an R×R high-res map. */
    public double flops(long n, long rr) {
        return flops(c, ch, n, rr);
    }

    public static double flops(int c, int ch, long n, long rr) {
        return 2.0 * n * c * c + 2 * 2.0 * rr * ch * c + 4.0 * rr * c;
    }
}
