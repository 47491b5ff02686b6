package dev.ocelli.kernels.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FlashAttention against ScalarAttention (the definition) at 128, 256 and 512 bits, over awkward
 * sizes, biases, masks, SAM's decomposed rel-pos, cross-attention and strided layouts.
 *
 * <p>A width the CPU lacks (512 bits without AVX-512) still runs, on the Vector API's Java
 * fallback: same results, but many times slower than here (about 10 s for this class on Zen 5).
 */
class FlashAttentionTest {

    static final int[] LENGTHS = {1, 2, 7, 31, 64, 65, 197, 577};
    static final int[] HEAD_DIMS = {8, 13, 64, 80, 128};
    static final int[] BITS = {128, 256, 512};

    static final FlashAttention[] ONE_THREAD = {
        FlashAttention.withVectorBits(128, 1), FlashAttention.withVectorBits(256, 1), FlashAttention.withVectorBits(512, 1)};
    static final FlashAttention[] TWO_THREADS = {
        FlashAttention.withVectorBits(128, 2), FlashAttention.withVectorBits(256, 2), FlashAttention.withVectorBits(512, 2)};
    static final ScalarAttention REF = new ScalarAttention();

    static FlashAttention flash(int bits, int threads) {
        int i = bits == 128 ? 0 : bits == 256 ? 1 : 2;
        return threads == 1 ? ONE_THREAD[i] : TWO_THREADS[i];
    }

    static float[] random(SplittableRandom rnd, int n, float amp) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * amp);
        }
        return a;
    }

    /** |a - e| <= atol + rtol·|e|, NaN only where expected NaN; reports the worst element. */
    static void assertClose(String what, float[] expected, float[] actual, float atol, float rtol) {
        assertThat(actual).hasSameSizeAs(expected);
        int bad = 0, worst = -1;
        double worstErr = -1;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            boolean ok = Float.isNaN(e) ? Float.isNaN(a) : Math.abs(a - e) <= atol + rtol * Math.abs(e);
            double err = Float.isNaN(e) || Float.isNaN(a) ? (Float.isNaN(e) == Float.isNaN(a) ? 0 : Double.POSITIVE_INFINITY) : Math.abs(a - e);
            if (!ok) {
                bad++;
            }
            if (err > worstErr) {
                worstErr = err;
                worst = i;
            }
        }
        if (bad > 0) {
            throw new AssertionError(what + ": " + bad + " of " + expected.length + " elements off, worst at " + worst
                    + " expected " + expected[worst] + " got " + actual[worst] + " (|err| " + worstErr + ")");
        }
    }

    record Case(int bits, int batch, int heads, int nq, int nk, int d) {
        AttentionDims dims() {
            return new AttentionDims(batch, heads, nq, nk, d);
        }
    }

    // every (Nq, Nk) pair for every width; d, heads and batch vary across pairs, and every d meets
    // every width
    static Stream<Arguments> sizes() {
        List<Arguments> out = new ArrayList<>();
        int n = 0;
        for (int bits : BITS) {
            for (int nq : LENGTHS) {
                for (int nk : LENGTHS) {
                    int d = HEAD_DIMS[n % HEAD_DIMS.length];
                    int heads = 1 + n % 4;
                    int batch = 1 + (n / 4) % 2;
                    if ((long) nq * nk * d * heads * batch > 577L * 577 * 80) {
                        heads = 1;   // keeps the scalar reference quick
                        batch = 1;
                    }
                    out.add(Arguments.of(new Case(bits, batch, heads, nq, nk, d)));
                    n++;
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void matchesScalarReference(Case c) {
        AttentionDims s = c.dims();
        SplittableRandom rnd = new SplittableRandom(c.hashCode());
        int qn = c.batch() * c.heads() * c.nq() * c.d(), kn = c.batch() * c.heads() * c.nk() * c.d();
        float[] q = random(rnd, qn, 1f), k = random(rnd, kn, 1f), v = random(rnd, kn, 1f);
        HeadView qv = HeadView.contiguous(q, 0, c.heads(), c.nq(), c.d());
        HeadView kv = HeadView.contiguous(k, 0, c.heads(), c.nk(), c.d());
        HeadView vv = HeadView.contiguous(v, 0, c.heads(), c.nk(), c.d());
        float[] expected = new float[qn], actual = new float[qn];
        float scale = Attention.defaultScale(c.d());
        REF.forward(HeadView.contiguous(expected, 0, c.heads(), c.nq(), c.d()), qv, kv, vv, null, scale, s);
        flash(c.bits(), 1).forward(HeadView.contiguous(actual, 0, c.heads(), c.nq(), c.d()), qv, kv, vv, null, scale, s);
        assertClose(c.toString(), expected, actual, 1e-5f, 1e-4f);
    }

    /** Large scores (scale 1, |q|,|k| up to 3): exercises the running-max rescale across tiles. */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void largeScoresRescale(int bits) {
        AttentionDims s = new AttentionDims(1, 2, 70, 300, 64);
        SplittableRandom rnd = new SplittableRandom(7);
        float[] q = random(rnd, 2 * 70 * 64, 3f), k = random(rnd, 2 * 300 * 64, 3f), v = random(rnd, 2 * 300 * 64, 1f);
        // increasing key norms so the max moves in later tiles
        for (int i = 0; i < k.length; i++) {
            k[i] *= 0.2f + (i % (300 * 64)) / (300f * 64f);
        }
        float[] e = new float[q.length], a = new float[q.length];
        run(REF, e, q, k, v, null, 1f, s);
        run(flash(bits, 1), a, q, k, v, null, 1f, s);
        assertClose("large scores " + bits, e, a, 1e-4f, 1e-4f);
    }

    static void run(Attention att, float[] out, float[] q, float[] k, float[] v, AttentionBias bias, float scale, AttentionDims s) {
        att.forward(HeadView.contiguous(out, 0, s.heads(), s.nq(), s.headDim()),
                HeadView.contiguous(q, 0, s.heads(), s.nq(), s.headDim()),
                HeadView.contiguous(k, 0, s.heads(), s.nk(), s.headDim()),
                HeadView.contiguous(v, 0, s.heads(), s.nk(), s.headDim()), bias, scale, s);
    }

    /** Dense bias [B, H, Nq, Nk], and broadcast forms [1, H, Nq, Nk] and [B, 1, 1, Nk]. */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void denseBiasAndBroadcast(int bits) {
        AttentionDims s = new AttentionDims(2, 3, 37, 131, 80);
        SplittableRandom rnd = new SplittableRandom(bits);
        float[] q = random(rnd, 2 * 3 * 37 * 80, 1f), k = random(rnd, 2 * 3 * 131 * 80, 1f), v = random(rnd, 2 * 3 * 131 * 80, 1f);
        float[] full = random(rnd, 2 * 3 * 37 * 131, 2f);
        float[] perHead = random(rnd, 3 * 37 * 131, 2f);
        float[] perKey = random(rnd, 2 * 131, 2f);
        AttentionBias[] biases = {
            AttentionBias.dense(HeadView.contiguous(full, 0, 3, 37, 131)),
            AttentionBias.dense(new HeadView(perHead, 0, 0, 37 * 131, 131)),
            AttentionBias.dense(new HeadView(perKey, 0, 131, 0, 0)),
        };
        for (AttentionBias bias : biases) {
            float[] e = new float[q.length], a = new float[q.length];
            run(REF, e, q, k, v, bias, 0.11f, s);
            run(flash(bits, 1), a, q, k, v, bias, 0.11f, s);
            assertClose("bias " + bias, e, a, 1e-5f, 1e-4f);
        }
    }

    /**
     * A -inf mask: causal (row i sees keys <= i + offset, so whole tiles are masked), plus row 3
     * of head 1 fully masked, which must be NaN as in PyTorch.
     */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void maskWithFullyMaskedRow(int bits) {
        int nq = 45, nk = 150;
        AttentionDims s = new AttentionDims(1, 2, nq, nk, 64);
        SplittableRandom rnd = new SplittableRandom(3);
        float[] q = random(rnd, 2 * nq * 64, 1f), k = random(rnd, 2 * nk * 64, 1f), v = random(rnd, 2 * nk * 64, 1f);
        boolean[] attend = new boolean[2 * nq * nk];
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < nq; i++) {
                for (int j = 0; j < nk; j++) {
                    attend[(h * nq + i) * nk + j] = j >= 80 && j <= 80 + 2 * i && !(h == 1 && i == 3);
                }
            }
        }
        AttentionBias mask = AttentionBias.dense(HeadView.contiguous(AttentionBias.maskToBias(attend), 0, 2, nq, nk));
        float[] e = new float[q.length], a = new float[q.length];
        run(REF, e, q, k, v, mask, 0.125f, s);
        run(flash(bits, 1), a, q, k, v, mask, 0.125f, s);
        int row = (nq + 3) * 64;
        for (int c = 0; c < 64; c++) {
            assertThat(e[row + c]).isNaN();
        }
        assertClose("mask " + bits, e, a, 1e-5f, 1e-4f);
        for (int i = 0; i < e.length; i++) {
            if (i < row || i >= row + 64) {
                assertThat(a[i]).isFinite();
            }
        }
    }

    /** SAM decomposed rel-pos on a qh×qw query grid and kh×kw key grid (window and unequal grids). */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void decomposedRelPos(int bits) {
        int[][] grids = {{14, 14, 14, 14}, {5, 7, 6, 9}};
        for (int[] g : grids) {
            int nq = g[0] * g[1], kh = g[2], kw = g[3], nk = kh * kw, heads = 2, d = 64;
            AttentionDims s = new AttentionDims(1, heads, nq, nk, d);
            SplittableRandom rnd = new SplittableRandom(nq + nk);
            float[] q = random(rnd, heads * nq * d, 1f), k = random(rnd, heads * nk * d, 1f), v = random(rnd, heads * nk * d, 1f);
            float[] relH = random(rnd, heads * nq * kh, 3f), relW = random(rnd, heads * nq * kw, 3f);
            AttentionBias rel = AttentionBias.decomposedRelPos(
                    HeadView.contiguous(relH, 0, heads, nq, kh), HeadView.contiguous(relW, 0, heads, nq, kw), kh, kw);
            // the same bias materialised, through the dense path of the reference
            float[] dense = new float[heads * nq * nk];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < nq; i++) {
                    for (int j = 0; j < nk; j++) {
                        dense[(h * nq + i) * nk + j] = relH[(h * nq + i) * kh + j / kw] + relW[(h * nq + i) * kw + j % kw];
                    }
                }
            }
            float[] e = new float[q.length], e2 = new float[q.length], a = new float[q.length];
            run(REF, e, q, k, v, rel, 0.125f, s);
            run(REF, e2, q, k, v, AttentionBias.dense(HeadView.contiguous(dense, 0, heads, nq, nk)), 0.125f, s);
            run(flash(bits, 1), a, q, k, v, rel, 0.125f, s);
            assertThat(e).containsExactly(e2);
            assertClose("rel-pos " + bits + " " + java.util.Arrays.toString(g), e, a, 1e-5f, 1e-4f);
        }
    }

    /**
     * Strided layouts: q, k, v read in place from one fused qkv [B, N, 3·H·d] buffer (self-attention),
     * out written token-major [B, N, H·d] at an offset; and cross-attention with q token-major.
     */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void stridedLayouts(int bits) {
        int batch = 2, heads = 3, n = 50, d = 80;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] qkv = random(rnd, 5 + batch * n * 3 * heads * d, 1f);
        HeadView q = HeadView.fusedQkv(qkv, 5, heads, n, d, 0);
        HeadView k = HeadView.fusedQkv(qkv, 5, heads, n, d, 1);
        HeadView v = HeadView.fusedQkv(qkv, 5, heads, n, d, 2);
        AttentionDims s = new AttentionDims(batch, heads, n, n, d);
        float[] e = new float[3 + batch * n * heads * d], a = new float[e.length];
        REF.forward(HeadView.tokenMajor(e, 3, heads, n, d), q, k, v, null, 0.1f, s);
        flash(bits, 2).forward(HeadView.tokenMajor(a, 3, heads, n, d), q, k, v, null, 0.1f, s);
        assertClose("fused qkv " + bits, e, a, 1e-5f, 1e-4f);
        assertThat(a[0]).isZero();   // nothing written before the offset

        // the same, copied to [B, H, N, d]: the reference must agree with itself across layouts
        float[] qc = new float[batch * heads * n * d], kc = new float[qc.length], vc = new float[qc.length];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < d; c++) {
                        int dst = ((b * heads + h) * n + i) * d + c;
                        qc[dst] = qkv[q.base(b, h, i) + c];
                        kc[dst] = qkv[k.base(b, h, i) + c];
                        vc[dst] = qkv[v.base(b, h, i) + c];
                    }
                }
            }
        }
        float[] flat = new float[qc.length];
        run(flash(bits, 1), flat, qc, kc, vc, null, 0.1f, s);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < d; c++) {
                        assertThat(flat[((b * heads + h) * n + i) * d + c])
                                .isEqualTo(a[3 + (b * n + i) * heads * d + h * d + c]);
                    }
                }
            }
        }

        // cross-attention: 9 token-major queries over the 50 fused keys
        int nq = 9;
        float[] qx = random(rnd, batch * nq * heads * d, 1f);
        AttentionDims sx = new AttentionDims(batch, heads, nq, n, d);
        float[] ex = new float[qx.length], ax = new float[qx.length];
        REF.forward(HeadView.tokenMajor(ex, 0, heads, nq, d), HeadView.tokenMajor(qx, 0, heads, nq, d), k, v, null, 0.1f, sx);
        flash(bits, 2).forward(HeadView.tokenMajor(ax, 0, heads, nq, d), HeadView.tokenMajor(qx, 0, heads, nq, d), k, v, null, 0.1f, sx);
        assertClose("cross " + bits, ex, ax, 1e-5f, 1e-4f);
    }

    /** 1 and 2 threads give bitwise identical results (a row's summation order is fixed). */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void threadCountDoesNotChangeBits(int bits) {
        AttentionDims s = new AttentionDims(2, 4, 197, 211, 64);
        SplittableRandom rnd = new SplittableRandom(5);
        float[] q = random(rnd, 2 * 4 * 197 * 64, 1f), k = random(rnd, 2 * 4 * 211 * 64, 1f), v = random(rnd, 2 * 4 * 211 * 64, 1f);
        float[] bias = random(rnd, 4 * 197 * 211, 1f);
        AttentionBias bv = AttentionBias.dense(new HeadView(bias, 0, 0, 197 * 211, 211));
        float[] one = new float[q.length], two = new float[q.length];
        for (int rep = 0; rep < 3; rep++) {
            run(flash(bits, 1), one, q, k, v, bv, 0.125f, s);
            run(flash(bits, 2), two, q, k, v, bv, 0.125f, s);
            assertThat(two).containsExactly(one);
        }
    }

    /**
     * The row path (Nq·4 <= Br, so Nq = 2 is on it at every width): Mini-Gemini-like per-token
     * cross-attention (Nq = 1, Nk = 64, d = 1024), then a dense bias with a fully masked row, and
     * SAM rel-pos, at d = 13 (scalar d tail) and Nk = 150 (partial tile, padding lanes).
     */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void rowPathWithBiasMaskAndRelPos(int bits) {
        SplittableRandom rnd = new SplittableRandom(bits + 1);
        AttentionDims mg = new AttentionDims(6, 1, 1, 64, 1024);
        float[] q = random(rnd, 6 * 1024, 1f), k = random(rnd, 6 * 64 * 1024, 1f), v = random(rnd, 6 * 64 * 1024, 1f);
        float[] e = new float[q.length], a = new float[q.length];
        run(REF, e, q, k, v, null, 1f / 32, mg);
        run(flash(bits, 2), a, q, k, v, null, 1f / 32, mg);
        assertClose("mini-gemini shape " + bits, e, a, 1e-5f, 1e-4f);

        int heads = 2, nq = 2, kh = 10, kw = 15, nk = kh * kw, d = 13;
        AttentionDims s = new AttentionDims(1, heads, nq, nk, d);
        q = random(rnd, heads * nq * d, 2f);
        k = random(rnd, heads * nk * d, 2f);
        v = random(rnd, heads * nk * d, 1f);
        float[] bias = random(rnd, heads * nq * nk, 3f);
        for (int j = 0; j < nk; j++) {
            bias[(1 * nq + 1) * nk + j] = Float.NEGATIVE_INFINITY;     // head 1, row 1: fully masked
            if (j % 3 == 0) {
                bias[j] = Float.NEGATIVE_INFINITY;                       // head 0, row 0: partly masked
            }
        }
        AttentionBias dense = AttentionBias.dense(HeadView.contiguous(bias, 0, heads, nq, nk));
        e = new float[q.length];
        a = new float[q.length];
        run(REF, e, q, k, v, dense, 0.3f, s);
        run(flash(bits, 1), a, q, k, v, dense, 0.3f, s);
        assertThat(a[(1 * nq + 1) * d]).isNaN();
        assertClose("row path bias " + bits, e, a, 1e-5f, 1e-4f);

        float[] relH = random(rnd, heads * nq * kh, 3f), relW = random(rnd, heads * nq * kw, 3f);
        AttentionBias rel = AttentionBias.decomposedRelPos(
                HeadView.contiguous(relH, 0, heads, nq, kh), HeadView.contiguous(relW, 0, heads, nq, kw), kh, kw);
        run(REF, e, q, k, v, rel, 0.3f, s);
        run(flash(bits, 1), a, q, k, v, rel, 0.3f, s);
        assertClose("row path rel-pos " + bits, e, a, 1e-5f, 1e-4f);
    }

    @Test
    void errorsNameTheView() {
        AttentionDims s = new AttentionDims(1, 2, 10, 12, 8);
        float[] q = new float[2 * 10 * 8], k = new float[2 * 12 * 8], out = new float[q.length];
        float[] shortV = new float[2 * 12 * 8 - 1];
        assertThatThrownBy(() -> run(flash(512, 1), out, q, k, shortV, null, 1f, s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v view");
        AttentionBias rel = AttentionBias.decomposedRelPos(HeadView.contiguous(new float[2 * 10 * 3], 0, 2, 10, 3),
                HeadView.contiguous(new float[2 * 10 * 5], 0, 2, 10, 5), 3, 5);
        assertThatThrownBy(() -> run(flash(512, 1), out, q, k, k, rel, 1f, s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3x5").hasMessageContaining("Nk=12");
        assertThatThrownBy(() -> FlashAttention.withVectorBits(64, 1)).hasMessageContaining("64");
    }
}
