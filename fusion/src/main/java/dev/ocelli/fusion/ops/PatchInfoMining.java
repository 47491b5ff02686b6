package dev.ocelli.fusion.ops;

import dev.ocelli.core.DType;
import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.F;
import dev.ocelli.kernels.parallel.WorkerPool;
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
 * <p><b>How it is computed.</b> Projecting every high-res position to K and V is what the
 * released code does, and it is almost all of the cost: at 768² that is 36864 positions × 2880 →
 * 1024, twice, 435 GFLOP, more than the CLIP tower. Each token only ever looks at its own M²
 * positions through one query, so the projections can be moved to the query side instead. With
 * n_j = (x_j − μ_j)/σ_j the normalised sub-patch,
 * <pre>
 *   q·k_j/√C = q·(W_k(γ_k⊙n_j + β_k) + b_k)/√C = ((W_kᵀq/√C) ⊙ γ_k)·n_j + (a term equal for every j)
 *   Σ_j A_j v_j = W_v(γ_v ⊙ Σ_j A_j n_j + β_v) + b_v          (because Σ_j A_j = 1)
 * </pre>
 * and a term equal for every j cancels in the softmax. So Ocelli computes qk = (Q·W_k/√C) ⊙ γ_k
 * once per token ([N, Ch], one GEMM), the scores and the A-weighted sum of the normalised
 * sub-patches straight from the raw map (LN statistics per position on the fly), and one GEMM
 * W_v at the end: about 7 GFLOP instead of 442 at 768². Same sums, in a different order: the
 * results match the released formulation within float rounding (the PyTorch reference tests run
 * the released formulation). {@code nan_to_num} is applied to the scores as MGM does; with
 * finite inputs the scores are finite in both forms.
 *
 * <p>LN eps 1e-5 (nn.LayerNorm default). Immutable, thread-safe.
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
        int m = r / p, n = p * p;
        Tensor q = F.linear(F.layerNorm(xl, q0w, q0b, EPS), q1w, q1b);                         // [B, N, C]
        // qk = (Q/√C)·W_k ⊙ γ_k: the query carried back through the key projection and LN scale
        float[] qk = F.matmul(q.reshape((long) b * n, c), k1w).contiguous().toFloatArray();   // [B·N, Ch]
        float[] gk = k0w.contiguous().toFloatArray();
        float scale = (float) (1.0 / Math.sqrt(c));
        for (int t = 0; t < b * n; t++) {
            for (int e = 0; e < ch; e++) {
                qk[t * ch + e] *= scale * gk[e];
            }
        }
        Tensor h = xh.permute(0, 2, 3, 1);                                                   // [B, R, R, Ch]
        // read in place when each position's channels are contiguous (the pipelines' channels-last
        // maps and their crop views); anything else is copied channels-last first
        if (h.dtype() != DType.F32 || h.strides()[3] != 1 || h.storage().floatArray() == null) {
            h = h.to(DType.F32).contiguous();
        }
        float[] hx = h.storage().floatArray();
        long hOff = h.offset(), sb = h.strides()[0], sy = h.strides()[1], sx = h.strides()[2];
        float[] u = new float[b * n * ch];                                                  // Σ_j A_j·n_j
        // one task per row of low-res tokens (M high-res rows); tokens are independent
        WorkerPool.shared().run(b * p, task -> {
            int bi = task / p, py = task % p;
            float[] scores = new float[m * m], mean = new float[m * m], rstd = new float[m * m];
            for (int px = 0; px < p; px++) {
                int tok = bi * n + py * p + px;
                long first = hOff + bi * sb + (long) py * m * sy + (long) px * m * sx;
                mineToken(hx, first, sy, sx, m, qk, tok * ch, u, tok * ch, scores, mean, rstd);
            }
        });
        // the LN affine of the values after the sum (Σ_j A_j = 1), then W_v
        float[] gv = v0w.contiguous().toFloatArray(), bv = v0b.contiguous().toFloatArray();
        for (int t = 0; t < b * n; t++) {
            for (int e = 0; e < ch; e++) {
                u[t * ch + e] = u[t * ch + e] * gv[e] + bv[e];
            }
        }
        return F.linear(Tensor.of(u, b, n, ch), v1w, v1b);
    }

    /**
     * One token: its M² sub-patches x_j (rows of Ch floats; sub-patch (sy, sx) at
     * {@code first + sy·rowStride + sx·colStride}), LN statistics μ_j, σ_j, scores
     * s_j = qk·(x_j − μ_j)/σ_j (NaN → 0, ±inf → ±max float, as {@code nan_to_num}), A = softmax(s),
     * and u += Σ_j A_j (x_j − μ_j)/σ_j. Statistics and scores are accumulated in double.
     */
    private void mineToken(float[] hx, long first, long rowStride, long colStride, int m, float[] qk, int qOff, float[] u, int uOff,
                           float[] scores, float[] mean, float[] rstd) {
        int mm = m * m;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < mm; j++) {
            int x0 = Math.toIntExact(first + (j / m) * rowStride + (j % m) * colStride);
            double sum = 0;
            for (int e = 0; e < ch; e++) {
                sum += hx[x0 + e];
            }
            float mu = (float) (sum / ch);
            double var = 0, dot = 0;
            for (int e = 0; e < ch; e++) {
                float d = hx[x0 + e] - mu;
                var += d * d;
                dot += qk[qOff + e] * d;
            }
            float rs = (float) (1.0 / Math.sqrt(var / ch + EPS));
            float sj = (float) (dot * rs);
            sj = Float.isNaN(sj) ? 0f : sj == Float.POSITIVE_INFINITY ? Float.MAX_VALUE
                    : sj == Float.NEGATIVE_INFINITY ? -Float.MAX_VALUE : sj;
            scores[j] = sj;
            mean[j] = mu;
            rstd[j] = rs;
            max = Math.max(max, sj);
        }
        double total = 0;
        for (int j = 0; j < mm; j++) {
            scores[j] = (float) Math.exp(scores[j] - max);
            total += scores[j];
        }
        for (int j = 0; j < mm; j++) {
            int x0 = Math.toIntExact(first + (j / m) * rowStride + (j % m) * colStride);
            float w = (float) (scores[j] / total) * rstd[j], mu = mean[j];
            for (int e = 0; e < ch; e++) {
                u[uOff + e] += w * (hx[x0 + e] - mu);
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

    /**
     * What {@link #mine} computes: Q (2NC²), Q·W_k and the W_v projection (2·2NC·Ch), and per
     * high-res position the LN statistics, score and weighted sum (≈ 8·Ch). The released
     * formulation would be 2NC² + 4·R²·Ch·C + 4·R²·C (K and V projected at every position).
     */
    public static double flops(int c, int ch, long n, long rr) {
        return 2.0 * n * c * c + 4.0 * n * c * ch + 8.0 * rr * ch;
    }
}
