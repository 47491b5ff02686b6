package dev.ocelli.kernels.attention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both implementations against PyTorch (float64 softmax(q·kᵀ·scale + bias)·v from
 * testdata/gen/ops_attention.py): self-attention at d = 13/64/80, cross-attention Nq ≠ Nk at
 * d = 128, a batch-broadcast bias, a boolean mask with a fully masked row (NaN), and SAM's
 * decomposed rel-pos (through the structured hook, and the bias rebuilt from rel_pos_h/w tables).
 */
class PyTorchReferenceTest {

    static Attention impl(String name) {
        return switch (name) {
            case "scalar" -> new ScalarAttention();
            default -> FlashAttention.withVectorBits(Integer.parseInt(name), 2);
        };
    }

    static AttentionDims dims(ReferenceCase c) {
        long[] q = c.tensor("q").shape(), k = c.tensor("k").shape();
        return new AttentionDims((int) q[0], (int) q[1], (int) q[2], (int) k[2], (int) q[3]);
    }

    static float[] run(Attention att, ReferenceCase c, AttentionBias bias) {
        AttentionDims s = dims(c);
        float[] out = new float[s.batch() * s.heads() * s.nq() * s.headDim()];
        att.forward(HeadView.contiguous(out, 0, s.heads(), s.nq(), s.headDim()),
                HeadView.contiguous(c.floats("q"), 0, s.heads(), s.nq(), s.headDim()),
                HeadView.contiguous(c.floats("k"), 0, s.heads(), s.nk(), s.headDim()),
                HeadView.contiguous(c.floats("v"), 0, s.heads(), s.nk(), s.headDim()),
                bias, Float.parseFloat(c.meta("scale")), s);
        return out;
    }


    @ParameterizedTest
    @CsvSource({
        "attention_self_d13, scalar", "attention_self_d13, 128", "attention_self_d13, 256", "attention_self_d13, 512",
        "attention_self_d64, scalar", "attention_self_d64, 128", "attention_self_d64, 256", "attention_self_d64, 512",
        "attention_self_d80, scalar", "attention_self_d80, 128", "attention_self_d80, 256", "attention_self_d80, 512",
        "attention_cross, scalar", "attention_cross, 128", "attention_cross, 256", "attention_cross, 512",
    })
    void noBias(String file, String impl) {
        try (ReferenceCase c = ReferenceData.load("ops/" + file)) {
            Tolerance.assertClose(file + " " + impl, c.floats("out"), run(impl(impl), c, null), 2e-6, 1e-5);
        }
    }

    @ParameterizedTest
    @CsvSource({"scalar", "128", "256", "512"})
    void biasSharedByBatch(String impl) {
        try (ReferenceCase c = ReferenceData.load("ops/attention_bias")) {
            AttentionDims s = dims(c);
            assertThat(c.tensor("bias").shape()).containsExactly(1, s.heads(), s.nq(), s.nk());
            // [1, H, Nq, Nk]: batch stride 0
            AttentionBias bias = AttentionBias.dense(new HeadView(c.floats("bias"), 0, 0, s.nq() * s.nk(), s.nk()));
            Tolerance.assertClose("bias " + impl, c.floats("out"), run(impl(impl), c, bias), 2e-6, 1e-5);
        }
    }

    @ParameterizedTest
    @CsvSource({"scalar", "128", "256", "512"})
    void booleanMaskWithFullyMaskedRow(String impl) {
        try (ReferenceCase c = ReferenceData.load("ops/attention_mask")) {
            AttentionDims s = dims(c);
            float[] m = c.floats("mask");   // u8, 1 = attend; [B, 1, Nq, Nk]
            boolean[] attend = new boolean[m.length];
            for (int i = 0; i < m.length; i++) {
                attend[i] = m[i] != 0f;
            }
            AttentionBias mask = AttentionBias.dense(new HeadView(AttentionBias.maskToBias(attend), 0, s.nq() * s.nk(), 0, s.nk()));
            float[] expected = c.floats("out");
            float[] actual = run(impl(impl), c, mask);
            // batch 1, query 2 has no key: NaN in every head, as in PyTorch
            int nanRow = ((1 * s.heads()) * s.nq() + 2) * s.headDim();
            assertThat(expected[nanRow]).isNaN();
            assertThat(actual[nanRow]).isNaN();
            Tolerance.assertClose("mask " + impl, expected, actual, 2e-6, 1e-5);
        }
    }

    @ParameterizedTest
    @CsvSource({"scalar", "128", "256", "512"})
    void samDecomposedRelPos(String impl) {
        try (ReferenceCase c = ReferenceData.load("ops/attention_sam_relpos")) {
            AttentionDims s = dims(c);
            int kh = Integer.parseInt(c.meta("kh")), kw = Integer.parseInt(c.meta("kw"));
            AttentionBias rel = AttentionBias.decomposedRelPos(
                    HeadView.contiguous(c.floats("rel_h"), 0, s.heads(), s.nq(), kh),
                    HeadView.contiguous(c.floats("rel_w"), 0, s.heads(), s.nq(), kw), kh, kw);
            Tolerance.assertClose("sam rel-pos " + impl, c.floats("out"), run(impl(impl), c, rel), 2e-6, 1e-5);

            // rel_h/rel_w rebuilt from the tables as SAM does, from the unscaled q:
            // rel_h[i, jh] = Σ_c q[i, c]·Rh[ih − jh + kh − 1, c] (grids of equal size here)
            float[] q = c.floats("q"), rph = c.floats("rel_pos_h"), rpw = c.floats("rel_pos_w");
            float[] relH = new float[s.heads() * s.nq() * kh], relW = new float[s.heads() * s.nq() * kw];
            int d = s.headDim(), qw = kw;
            for (int h = 0; h < s.heads(); h++) {
                for (int i = 0; i < s.nq(); i++) {
                    int ih = i / qw, iw = i % qw;
                    for (int j = 0; j < kh; j++) {
                        double acc = 0;
                        for (int x = 0; x < d; x++) {
                            acc += q[(h * s.nq() + i) * d + x] * rph[(ih - j + kh - 1) * d + x];
                        }
                        relH[(h * s.nq() + i) * kh + j] = (float) acc;
                    }
                    for (int j = 0; j < kw; j++) {
                        double acc = 0;
                        for (int x = 0; x < d; x++) {
                            acc += q[(h * s.nq() + i) * d + x] * rpw[(iw - j + kw - 1) * d + x];
                        }
                        relW[(h * s.nq() + i) * kw + j] = (float) acc;
                    }
                }
            }
            Tolerance.assertClose("rel_h", c.floats("rel_h"), relH, 1e-5, 1e-5);
            Tolerance.assertClose("rel_w", c.floats("rel_w"), relW, 1e-5, 1e-5);
        }
    }
}
