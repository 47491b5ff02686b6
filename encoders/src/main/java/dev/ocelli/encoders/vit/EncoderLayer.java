package dev.ocelli.encoders.vit;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.vit.VitConfig.Family;
import dev.ocelli.encoders.weights.ParamSpec;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.kernels.F;
import dev.ocelli.kernels.KernelInfo;
import dev.ocelli.kernels.attention.Attention;
import dev.ocelli.kernels.attention.AttentionBias;
import dev.ocelli.kernels.attention.AttentionDims;
import dev.ocelli.kernels.attention.FlashAttention;
import dev.ocelli.kernels.attention.HeadView;
import dev.ocelli.kernels.attention.ScalarAttention;
import dev.ocelli.kernels.gemm.Activation;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pre-norm transformer block of the ViT family:
 * <pre>
 *   x = x + ls1 · proj(attn(LN1 x))          ls1 = 1 except InternViT
 *   x = x + ls2 · fc2(act(fc1(LN2 x)))       ls2 = 1 except InternViT
 * </pre>
 * B = batch, N = tokens, C = width, H = heads, d = C/H.
 *
 * <ul>
 *   <li>CLIP (HF {@code CLIPEncoderLayer}): {@code layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2};
 *       the three projections stay separate mapped weights and attention reads their [B, N, H·d]
 *       outputs in place.</li>
 *   <li>InternViT ({@code InternVisionEncoderLayer}): {@code norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2, ls1, ls2};
 *       attention reads the fused [B, N, 3, H, d] qkv output in place.</li>
 *   <li>SAM (HF {@code SamVisionLayer}): {@code layer_norm1, attn.qkv, attn.proj, attn.rel_pos_h, attn.rel_pos_w,
 *       layer_norm2, mlp.lin1, mlp.lin2} on [B, H, W, C]. Windowed layers zero-pad LN1's output to a
 *       multiple of the window and attend inside each window; the projection then runs on the
 *       valid tokens only (HF projects the padded windows too and crops after: same values).
 *       The decomposed relative-position terms come from the unscaled q and are added inside
 *       the fused attention tile by tile ({@link AttentionBias.DecomposedRelPos}).</li>
 * </ul>
 * Residual adds ride in the GEMM epilogue where there is no layer scale.
 */
final class EncoderLayer {

    /** Vector flash attention when the Vector API is on, else the scalar definition. */
    static final Attention ATTENTION = KernelInfo.vectorUnavailableReason() == null
            ? FlashAttention.create() : new ScalarAttention();

    private final VitConfig cfg;
    private final int window;
    private final float eps;
    private final Activation act;
    // LayerNorms (heap copies)
    private final Tensor norm1Weight, norm1Bias, norm2Weight, norm2Bias;
    // attention: CLIP's separate projections, or a fused qkv [3C, C]
    private final Tensor qWeight, qBias, kWeight, kBias, vWeight, vBias;
    private final Tensor qkvWeight, qkvBias;
    private final Tensor projWeight, projBias;
    // MLP
    private final Tensor fc1Weight, fc1Bias, fc2Weight, fc2Bias;
    // InternViT layer scale [C] or null
    private final float[] ls1, ls2;
    // SAM rel-pos tables [L, d] and their lengths
    private final float[] relPosH, relPosW;
    private final int relLenH, relLenW;
    private final ConcurrentHashMap<Long, float[]> relTables = new ConcurrentHashMap<>();

    EncoderLayer(VitConfig cfg, int index, StateDict sd) {
        this.cfg = cfg;
        this.window = cfg.windowOf(index);
        this.eps = cfg.layerNormEps();
        this.act = cfg.act();
        int c = cfg.hiddenSize(), m = cfg.intermediateSize();
        Family f = cfg.family();
        String n1 = f == Family.INTERNVIT ? "norm1" : "layer_norm1";
        String n2 = f == Family.INTERNVIT ? "norm2" : "layer_norm2";
        norm1Weight = Params.small(sd, n1 + ".weight", c);
        norm1Bias = Params.small(sd, n1 + ".bias", c);
        norm2Weight = Params.small(sd, n2 + ".weight", c);
        norm2Bias = Params.small(sd, n2 + ".bias", c);
        if (f == Family.CLIP) {
            qWeight = sd.take("self_attn.q_proj.weight", c, c);
            qBias = Params.small(sd, "self_attn.q_proj.bias", c);
            kWeight = sd.take("self_attn.k_proj.weight", c, c);
            kBias = Params.small(sd, "self_attn.k_proj.bias", c);
            vWeight = sd.take("self_attn.v_proj.weight", c, c);
            vBias = Params.small(sd, "self_attn.v_proj.bias", c);
            qkvWeight = null;
            qkvBias = null;
            projWeight = sd.take("self_attn.out_proj.weight", c, c);
            projBias = Params.small(sd, "self_attn.out_proj.bias", c);
        } else {
            qWeight = qBias = kWeight = kBias = vWeight = vBias = null;
            qkvWeight = sd.take("attn.qkv.weight", 3L * c, c);
            qkvBias = Params.smallOptional(sd, "attn.qkv.bias", cfg.qkvBias(), 3L * c);
            projWeight = sd.take("attn.proj.weight", c, c);
            projBias = Params.small(sd, "attn.proj.bias", c);
        }
        String fc1 = f == Family.SAM ? "mlp.lin1" : "mlp.fc1";
        String fc2 = f == Family.SAM ? "mlp.lin2" : "mlp.fc2";
        fc1Weight = sd.take(fc1 + ".weight", m, c);
        fc1Bias = Params.small(sd, fc1 + ".bias", m);
        fc2Weight = sd.take(fc2 + ".weight", c, m);
        fc2Bias = Params.small(sd, fc2 + ".bias", c);
        if (f == Family.INTERNVIT) {
            ls1 = Params.floats(sd, "ls1", c);
            ls2 = Params.floats(sd, "ls2", c);
        } else {
            ls1 = ls2 = null;
        }
        if (f == Family.SAM && cfg.useRelPos()) {
            // stored at 2·size−1 rows for the size it was trained at; resized (linear) on use if needed
            Tensor h = sd.takeAnyShape("attn.rel_pos_h", 2);
            Tensor w = sd.takeAnyShape("attn.rel_pos_w", 2);
            relPosH = checkRelPos(sd, "attn.rel_pos_h", h);
            relPosW = checkRelPos(sd, "attn.rel_pos_w", w);
            relLenH = relPosH == null ? 0 : relPosH.length / cfg.headDim();
            relLenW = relPosW == null ? 0 : relPosW.length / cfg.headDim();
        } else {
            relPosH = relPosW = null;
            relLenH = relLenW = 0;
        }
    }

    private float[] checkRelPos(StateDict sd, String key, Tensor t) {
        if (t == null) {
            return null;
        }
        if (t.size(1) != cfg.headDim() || t.size(0) < 1) {
            // report it as a mismatch against the size the config implies
            int size = window > 0 ? window : cfg.gridSize();
            sd.take(key, 2L * size - 1, cfg.headDim());
            return null;
        }
        return t.toFloatArray();
    }

    static void parameters(VitConfig cfg, int index, String p, List<ParamSpec> out) {
        int c = cfg.hiddenSize(), m = cfg.intermediateSize();
        Family f = cfg.family();
        Params.norm(out, p + (f == Family.INTERNVIT ? "norm1" : "layer_norm1"), c);
        if (f == Family.CLIP) {
            for (String k : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                Params.linear(out, p + "self_attn." + k, c, c, true);
            }
        } else {
            Params.linear(out, p + "attn.qkv", 3L * c, c, cfg.qkvBias());
            Params.linear(out, p + "attn.proj", c, c, true);
        }
        if (f == Family.SAM && cfg.useRelPos()) {
            int size = cfg.windowOf(index) > 0 ? cfg.windowOf(index) : cfg.gridSize();
            out.add(new ParamSpec(p + "attn.rel_pos_h", new long[] {2L * size - 1, cfg.headDim()}, ParamSpec.Init.EMBEDDING));
            out.add(new ParamSpec(p + "attn.rel_pos_w", new long[] {2L * size - 1, cfg.headDim()}, ParamSpec.Init.EMBEDDING));
        }
        Params.norm(out, p + (f == Family.INTERNVIT ? "norm2" : "layer_norm2"), c);
        String fc1 = f == Family.SAM ? "mlp.lin1" : "mlp.fc1";
        String fc2 = f == Family.SAM ? "mlp.lin2" : "mlp.fc2";
        Params.linear(out, p + fc1, m, c, true);
        Params.linear(out, p + fc2, c, m, true);
        if (f == Family.INTERNVIT) {
            // InternViT-300M's trained layer scales are well below 1
            out.add(new ParamSpec(p + "ls1", new long[] {c}, ParamSpec.Init.uniform(0.1f, 0.02f)));
            out.add(new ParamSpec(p + "ls2", new long[] {c}, ParamSpec.Init.uniform(0.1f, 0.02f)));
        }
    }

    /** x [B, N, C] (or [B, gh, gw, C] for SAM) → the block's output, same shape. */
    Tensor forward(Tensor x, int gh, int gw) {
        Tensor h = F.layerNorm(x, norm1Weight, norm1Bias, eps);
        Tensor a;
        if (window > 0) {
            int b = (int) x.size(0), c = cfg.hiddenSize();
            Tensor win = partition(h, b, gh, gw, c, window);
            Tensor o = attention(win, window, window);
            a = unpartition(o, b, gh, gw, c, window);
        } else if (cfg.family() == Family.SAM) {
            a = attention(h.reshape(x.size(0), (long) gh * gw, cfg.hiddenSize()), gh, gw).view(x.shape());
        } else {
            a = attention(h, gh, gw);
        }
        Tensor x1 = residual(x, a, projWeight, projBias, Activation.NONE, ls1);
        Tensor h2 = F.layerNorm(x1, norm2Weight, norm2Bias, eps);
        Tensor m = F.linear(h2, fc1Weight, fc1Bias, act, null);
        return residual(x1, m, fc2Weight, fc2Bias, Activation.NONE, ls2);
    }

    /** x + scale ⊙ linear(in); without a scale the add is fused into the GEMM. */
    private static Tensor residual(Tensor x, Tensor in, Tensor w, Tensor b, Activation a, float[] scale) {
        if (scale == null) {
            return F.linear(in, w, b, a, x);
        }
        Tensor y = F.linear(in, w, b, a, null);
        float[] ya = y.storage().floatArray();
        Tensor xc = x.contiguous();
        float[] xs = xc.storage().floatArray();
        int xo = (int) xc.offset();
        int c = scale.length;
        for (int i = 0; i < ya.length; i++) {
            ya[i] = xs[xo + i] + ya[i] * scale[i % c];
        }
        return y;
    }

    /**
     * Multi-head self-attention before the output projection: h [Bq, N, C] (N = qh·qw for SAM's
     * rel-pos) → [Bq, N, C] with head h of token n at columns [h·d, (h+1)·d).
     */
    private Tensor attention(Tensor h, int qh, int qw) {
        int bq = (int) h.size(0), n = (int) h.size(1), c = cfg.hiddenSize(), heads = cfg.numHeads(), d = cfg.headDim();
        HeadView q, k, v;
        if (qkvWeight != null) {
            float[] qkv = F.linear(h, qkvWeight, qkvBias).storage().floatArray(); // [Bq, N, 3, H, d]
            q = HeadView.fusedQkv(qkv, 0, heads, n, d, 0);
            k = HeadView.fusedQkv(qkv, 0, heads, n, d, 1);
            v = HeadView.fusedQkv(qkv, 0, heads, n, d, 2);
        } else {
            q = HeadView.tokenMajor(F.linear(h, qWeight, qBias).storage().floatArray(), 0, heads, n, d);
            k = HeadView.tokenMajor(F.linear(h, kWeight, kBias).storage().floatArray(), 0, heads, n, d);
            v = HeadView.tokenMajor(F.linear(h, vWeight, vBias).storage().floatArray(), 0, heads, n, d);
        }
        AttentionBias bias = relPosH != null ? relPosBias(q, bq, heads, n, d, qh, qw) : null;
        float[] out = new float[bq * n * c];
        ATTENTION.forward(HeadView.tokenMajor(out, 0, heads, n, d), q, k, v, bias, Attention.defaultScale(d),
                new AttentionDims(bq, heads, n, n, d));
        return Tensor.of(out, bq, n, c);
    }

    // ---------------------------------------------------------------- SAM windows

    /** [B, gh, gw, C] → [B·nh·nw, ws·ws, C], zero-padded to multiples of ws (HF window_partition). */
    static Tensor partition(Tensor h, int b, int gh, int gw, int c, int ws) {
        Tensor hc = h.contiguous();
        float[] src = hc.storage().floatArray();
        int so = (int) hc.offset();
        int nh = (gh + ws - 1) / ws, nw = (gw + ws - 1) / ws;
        float[] out = new float[b * nh * nw * ws * ws * c];
        for (int bi = 0; bi < b; bi++) {
            for (int wy = 0; wy < nh; wy++) {
                for (int wx = 0; wx < nw; wx++) {
                    int wbase = ((bi * nh + wy) * nw + wx) * ws * ws * c;
                    for (int y = 0; y < ws; y++) {
                        int gy = wy * ws + y;
                        if (gy >= gh) {
                            break; // padding rows stay zero
                        }
                        int cols = Math.min(ws, gw - wx * ws);
                        System.arraycopy(src, so + ((bi * gh + gy) * gw + wx * ws) * c, out, wbase + y * ws * c, cols * c);
                    }
                }
            }
        }
        return Tensor.of(out, (long) b * nh * nw, (long) ws * ws, c);
    }

    /** Inverse of {@link #partition}, dropping the padding: → [B, gh, gw, C] (HF window_unpartition). */
    static Tensor unpartition(Tensor win, int b, int gh, int gw, int c, int ws) {
        float[] src = win.storage().floatArray();
        int nh = (gh + ws - 1) / ws, nw = (gw + ws - 1) / ws;
        float[] out = new float[b * gh * gw * c];
        for (int bi = 0; bi < b; bi++) {
            for (int wy = 0; wy < nh; wy++) {
                for (int wx = 0; wx < nw; wx++) {
                    int wbase = ((bi * nh + wy) * nw + wx) * ws * ws * c;
                    int cols = Math.min(ws, gw - wx * ws);
                    for (int y = 0; y < ws && wy * ws + y < gh; y++) {
                        System.arraycopy(src, wbase + y * ws * c, out, ((bi * gh + wy * ws + y) * gw + wx * ws) * c, cols * c);
                    }
                }
            }
        }
        return Tensor.of(out, b, gh, gw, c);
    }

    // ---------------------------------------------------------------- SAM decomposed rel-pos

    /**
     * relH[b,h,i,kh] = Σ_c q[b,h,i,c]·Rh[qy(i), kh, c] and relW likewise with Rw[qx(i), kw, c],
     * from the unscaled q (HF {@code add_decomposed_rel_pos}); the kernel adds
     * relH[..,jh] + relW[..,jw] to score (i, j = jh·kw + jw).
     */
    private AttentionBias relPosBias(HeadView q, int bq, int heads, int n, int d, int qh, int qw) {
        float[] rh = relTable(relPosH, relLenH, qh, qh, d);
        float[] rw = relTable(relPosW, relLenW, qw, qw, d);
        float[] relH = new float[bq * heads * n * qh];
        float[] relW = new float[bq * heads * n * qw];
        float[] qa = q.data();
        WorkerPool.shared().run(bq * heads, t -> {
            int b = t / heads, hh = t % heads;
            for (int i = 0; i < n; i++) {
                int y = i / qw, x = i % qw;
                int qo = q.offset() + b * q.batchStride() + hh * q.headStride() + i * q.rowStride();
                int oh = ((b * heads + hh) * n + i) * qh;
                for (int k = 0; k < qh; k++) {
                    relH[oh + k] = dot(qa, qo, rh, (y * qh + k) * d, d);
                }
                int ow = ((b * heads + hh) * n + i) * qw;
                for (int k = 0; k < qw; k++) {
                    relW[ow + k] = dot(qa, qo, rw, (x * qw + k) * d, d);
                }
            }
        });
        return AttentionBias.decomposedRelPos(HeadView.contiguous(relH, 0, heads, n, qh),
                HeadView.contiguous(relW, 0, heads, n, qw), qh, qw);
    }

    /**
     * Σ a[ao+i]·b[bo+i]. Four independent partial sums, so the adds do not wait on each other
     * (one chain is latency-bound at a quarter of the FP throughput; SAM-L spends ~10 GFLOP here).
     */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += a[ao + i] * b[bo + i];
            s1 += a[ao + i + 1] * b[bo + i + 1];
            s2 += a[ao + i + 2] * b[bo + i + 2];
            s3 += a[ao + i + 3] * b[bo + i + 3];
        }
        for (; i < n; i++) { // scalar tail
            s0 += a[ao + i] * b[bo + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** HF {@code get_rel_pos(q, k, rel_pos)} → [q, k, d], cached per (q, k). */
    private float[] relTable(float[] table, int len, int qSize, int kSize, int d) {
        long key = ((long) (table == relPosH ? 1 : 2) << 40) | ((long) qSize << 20) | kSize;
        return relTables.computeIfAbsent(key, kk -> relPos(table, len, d, qSize, kSize));
    }

    /**
     * segment-anything / HF {@code get_rel_pos}: the table [len, d] is linearly resized to
     * 2·max(q,k)−1 rows if its length differs ({@code F.interpolate(mode="linear")},
     * align_corners=False), then row (qi·max(k/q,1) − kj·max(q/k,1) + (k−1)·max(q/k,1)) is
     * gathered for every (qi, kj).
     */
    static float[] relPos(float[] table, int len, int d, int qSize, int kSize) {
        int maxDist = 2 * Math.max(qSize, kSize) - 1;
        float[] r = table;
        if (len != maxDist) {
            r = new float[maxDist * d];
            float scale = (float) len / maxDist;
            for (int o = 0; o < maxDist; o++) {
                float src = Math.max(0f, scale * (o + 0.5f) - 0.5f);
                int i0 = (int) src;
                int i1 = i0 + (i0 < len - 1 ? 1 : 0);
                float l1 = src - i0, l0 = 1f - l1;
                for (int c = 0; c < d; c++) {
                    r[o * d + c] = l0 * table[i0 * d + c] + l1 * table[i1 * d + c];
                }
            }
        }
        double qs = Math.max((double) kSize / qSize, 1.0), ks = Math.max((double) qSize / kSize, 1.0);
        float[] out = new float[qSize * kSize * d];
        for (int i = 0; i < qSize; i++) {
            for (int j = 0; j < kSize; j++) {
                int row = (int) (i * qs - j * ks + (kSize - 1) * ks);
                System.arraycopy(r, row * d, out, (i * kSize + j) * d, d);
            }
        }
        return out;
    }
}
