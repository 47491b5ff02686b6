package dev.ocelli.kernels.attention;

/**
 * The plain reference: the definition of {@link Attention}, written to be read, not to be fast.
 *
 * <p>Per (batch, head) it materialises the whole score matrix S [Nq, Nk], exactly as PyTorch's
 * math path (and the naive {@code attn = (q @ k.transpose(-2, -1)) * scale; attn.softmax(-1) @ v}
 * in CLIP/SAM/InternViT) does:
 * <pre>
 *   S[i,j] = scale·Σ_c q[i,c]·k[j,c] + bias[i,j]
 *   P[i,j] = exp(S[i,j] − max_j S[i,·]) / Σ_j exp(S[i,j] − max_j S[i,·])
 *   out[i,c] = Σ_j P[i,j]·v[j,c]
 * </pre>
 * Sums are accumulated in double so this stays the more accurate side in tests against
 * {@link FlashAttention}. A row whose every score is -inf gives max = -inf, exp(NaN) = NaN, and
 * so a NaN output row, as in PyTorch. Single-threaded; allocates S per call.
 */
public final class ScalarAttention implements Attention {

    @Override
    public void forward(HeadView out, HeadView q, HeadView k, HeadView v, AttentionBias bias, float scale, AttentionDims s) {
        Attention.check(out, q, k, v, bias, s);
        int nq = s.nq(), nk = s.nk(), d = s.headDim();
        if ((long) nq * nk > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("ScalarAttention materialises scores [Nq, Nk] and " + s
                    + " needs " + (long) nq * nk + " floats, more than a Java array holds; use FlashAttention");
        }
        // S is [Nq, Nk]
        float[] scores = new float[nq * nk];
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                // scores = scale·q·kᵀ + bias
                for (int i = 0; i < nq; i++) {
                    int qi = q.base(b, h, i);
                    for (int j = 0; j < nk; j++) {
                        int kj = k.base(b, h, j);
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) q.data()[qi + c] * k.data()[kj + c];
                        }
                        scores[i * nk + j] = (float) (scale * dot) + biasAt(bias, b, h, i, j);
                    }
                }
                // softmax over j, then ·v
                for (int i = 0; i < nq; i++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < nk; j++) {
                        max = Math.max(max, scores[i * nk + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < nk; j++) {
                        double e = Math.exp((double) scores[i * nk + j] - max);
                        scores[i * nk + j] = (float) e;
                        sum += e;
                    }
                    int oi = out.base(b, h, i);
                    for (int c = 0; c < d; c++) {
                        double acc = 0;
                        for (int j = 0; j < nk; j++) {
                            acc += (double) scores[i * nk + j] * v.data()[v.base(b, h, j) + c];
                        }
                        out.data()[oi + c] = (float) (acc / sum);
                    }
                }
            }
        }
    }

    /** bias[b,h,i,j] for either bias form, 0 without one. */
    static float biasAt(AttentionBias bias, int b, int h, int i, int j) {
        return switch (bias) {
            case null -> 0f;
            case AttentionBias.Dense dense -> dense.view().data()[dense.view().base(b, h, i) + j];
            case AttentionBias.DecomposedRelPos r -> {
                int jh = j / r.kw(), jw = j % r.kw();
                yield r.relH().data()[r.relH().base(b, h, i) + jh] + r.relW().data()[r.relW().base(b, h, i) + jw];
            }
        };
    }
}
