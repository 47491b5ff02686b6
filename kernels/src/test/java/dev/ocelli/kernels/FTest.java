package dev.ocelli.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.DType;
import dev.ocelli.core.Layout;
import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Storage;
import dev.ocelli.core.Tensor;
import dev.ocelli.kernels.conv.ScalarConv2d;
import dev.ocelli.kernels.gemm.Activation;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link F} against PyTorch reference data (testdata/gen/ops_*.py, the same cases the kernel
 * families use) and against plain loops where no reference file covers the op; inputs are read
 * both as mapped safetensors tensors (segment storage) and as strided heap views.
 */
class FTest {

    static Tensor randn(Random r, long... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] a = t.storage().floatArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return t;
    }

    /** A copy of t in an off-heap segment, as a memory-mapped F32 weight is held. */
    static Tensor offHeap(Tensor t) {
        float[] a = t.contiguous().toFloatArray();
        MemorySegment seg = Arena.ofAuto().allocate(4L * a.length, 4);
        MemorySegment.copy(a, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, a.length);
        return Tensor.wrap(Storage.ofSegment(seg, DType.F32), Layout.contiguous(t.shape()));
    }

    static float[] naiveMatmul(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    // ---------------------------------------------------------------- linear / matmul

    @ParameterizedTest(name = "mapped weight {0}")
    @ValueSource(booleans = {false, true})
    void linearMatchesLoopsWithFusedEpilogue(boolean mapped) {
        Random r = new Random(1);
        Tensor x = randn(r, 2, 7, 13), w = randn(r, 11, 13), b = randn(r, 11), res = randn(r, 2, 7, 11);
        Tensor wt = mapped ? offHeap(w) : w;
        float[] xs = x.toFloatArray(), ws = w.toFloatArray(), bs = b.toFloatArray(), rs = res.toFloatArray();
        float[] expect = new float[14 * 11], plain = new float[14 * 11];
        for (int i = 0; i < 14; i++) {
            for (int o = 0; o < 11; o++) {
                double s = bs[o];
                for (int p = 0; p < 13; p++) {
                    s += (double) xs[i * 13 + p] * ws[o * 13 + p];
                }
                plain[i * 11 + o] = (float) s;
                expect[i * 11 + o] = Activation.GELU_ERF.apply((float) s) + rs[i * 11 + o];
            }
        }
        Tensor y = F.linear(x, wt, b);
        assertThat(y.shape()).containsExactly(2, 7, 11);
        Tolerance.assertClose("linear", plain, y.toFloatArray(), 1e-5, 1e-5);
        Tolerance.assertClose("linear+gelu+residual", expect, F.linear(x, wt, b, Activation.GELU_ERF, res).toFloatArray(),
                1e-5, 1e-5);
        // a permuted input whose rows do not lie on one stride is copied, a transposed weight is read in place
        Tensor xp = x.permute(1, 0, 2).contiguous().permute(1, 0, 2);
        Tolerance.assertClose("linear of permuted x", plain, F.linear(xp, w.transpose(0, 1).contiguous().transpose(0, 1), b).toFloatArray(),
                1e-5, 1e-5);
    }

    @Test
    void linearShapeErrorsNameTheShapes() {
        Tensor x = Tensor.zeros(3, 5), w = Tensor.zeros(4, 6);
        assertThatThrownBy(() -> F.linear(x, w, null)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("linear").hasMessageContaining("[3,5]").hasMessageContaining("[4,6]");
        assertThatThrownBy(() -> F.linear(x, Tensor.zeros(4, 5), Tensor.zeros(3))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("bias");
        assertThatThrownBy(() -> F.linear(x, Tensor.zeros(4, 5), null, Activation.NONE, Tensor.zeros(3, 5)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("residual");
    }

    @Test
    void matmulBroadcastsBatchDimsAndVectors() {
        Random r = new Random(2);
        Tensor a = randn(r, 3, 1, 5, 6), b = randn(r, 4, 6, 7);
        Tensor c = F.matmul(a, b);
        assertThat(c.shape()).containsExactly(3, 4, 5, 7);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                float[] ai = a.narrow(0, i, 1).contiguous().toFloatArray();
                float[] bj = b.narrow(0, j, 1).contiguous().toFloatArray();
                Tolerance.assertClose("matmul batch " + i + "," + j, naiveMatmul(ai, bj, 5, 7, 6),
                        c.narrow(0, i, 1).narrow(1, j, 1).toFloatArray(), 1e-5, 1e-5);
            }
        }
        // transposed operand read in place, and an off-heap one
        Tensor m = randn(r, 6, 5);
        Tolerance.assertClose("matmul a^T", naiveMatmul(m.transpose(0, 1).contiguous().toFloatArray(), b.narrow(0, 0, 1).toFloatArray(), 5, 7, 6),
                F.matmul(m.transpose(0, 1), offHeap(b.narrow(0, 0, 1).squeeze(0))).toFloatArray(), 1e-5, 1e-5);
        Tensor v = randn(r, 6), u = randn(r, 6);
        assertThat(F.matmul(m.transpose(0, 1), v).shape()).containsExactly(5);
        assertThat(F.matmul(v, b).shape()).containsExactly(4, 7);
        double dot = 0;
        for (int i = 0; i < 6; i++) {
            dot += (double) v.get(i) * u.get(i);
        }
        assertThat(F.matmul(v, u).rank()).isZero();
        assertThat((double) F.matmul(v, u).get()).isCloseTo(dot, org.assertj.core.data.Offset.offset(1e-5));
        assertThatThrownBy(() -> F.matmul(Tensor.zeros(2, 3), Tensor.zeros(4, 5))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[2,3]").hasMessageContaining("[4,5]");
        assertThatThrownBy(() -> F.matmul(Tensor.zeros(2, 2, 3), Tensor.zeros(3, 3, 5))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("broadcast");
    }

    // ---------------------------------------------------------------- conv2d

    static void checkConv(Random r, int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw,
                          int dh, int dw, int groups, boolean bias, boolean mapped) {
        Tensor x = randn(r, n, c, h, w), wt = randn(r, oc, c / groups, kh, kw).scale(0.2f);
        Tensor b = bias ? randn(r, oc) : null;
        Tensor y = F.conv2d(x, mapped ? offHeap(wt) : wt, b, sh, sw, ph, pw, dh, dw, groups);
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        assertThat(y.shape()).containsExactly(n, oc, oh, ow);
        float[] expect = new float[n * oc * oh * ow];
        ScalarConv2d.conv2d(expect, 0, x.toFloatArray(), 0, wt.toFloatArray(), 0, bias ? b.toFloatArray() : null, 0,
                n, c, h, w, oc, kh, kw, sh, sw, ph, pw, dh, dw, groups);
        String what = "conv2d x[" + n + "," + c + "," + h + "," + w + "] oc=" + oc + " k=" + kh + "x" + kw + " s=" + sh + "x"
                + sw + " p=" + ph + "x" + pw + " d=" + dh + "x" + dw + " g=" + groups;
        Tolerance.assertClose(what, expect, y.toFloatArray(), y.shape(), 1e-4, 1e-4);
    }

    @Test
    void conv2dMatchesScalarReference() {
        Random r = new Random(3);
        checkConv(r, 2, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, true, false);
        checkConv(r, 1, 4, 10, 7, 6, 3, 2, 2, 1, 0, 1, 1, 2, 2, false, true);
        checkConv(r, 1, 6, 8, 8, 9, 1, 1, 1, 1, 0, 0, 1, 1, 3, true, true);
        checkConv(r, 2, 3, 28, 14, 8, 14, 14, 14, 14, 0, 0, 1, 1, 1, true, true);
        checkConv(r, 1, 5, 9, 9, 5, 7, 7, 1, 1, 3, 3, 1, 1, 5, true, false);  // depthwise
        checkConv(r, 1, 4, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 4, true, false);  // groups = C, 2 outputs each
    }

    @Test
    void conv2dDepthwiseMatchesPyTorch() {
        for (String name : new String[] {"k7_p3_c19", "k3_s2_p1_c8", "k5_d2_p4_c5", "k3x5_s2x1_p0x2_c33", "k2_s2_p0_c7_d3x1"}) {
            try (ReferenceCase c = ReferenceData.load("ops/conv/dw_" + name)) {
                int[] s = pair(c.meta("stride")), p = pair(c.meta("padding")), d = pair(c.meta("dilation"));
                Tensor x = c.tensor("input");
                Tensor y = F.conv2d(x, c.tensor("weight"), c.has("bias") ? c.tensor("bias") : null,
                        s[0], s[1], p[0], p[1], d[0], d[1], (int) x.size(1));
                Tolerance.assertClose("F.conv2d depthwise " + name, c.floats("output"), y.toFloatArray(),
                        c.tensor("output").shape(), 1e-5, 1e-5);
            }
        }
    }

    @Test
    void conv2dShapeErrors() {
        Tensor x = Tensor.zeros(1, 4, 8, 8);
        assertThatThrownBy(() -> F.conv2d(x, Tensor.zeros(6, 3, 3, 3), null, 1, 1, 1, 1)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("conv2d").hasMessageContaining("[1,4,8,8]").hasMessageContaining("[6,3,3,3]");
        assertThatThrownBy(() -> F.conv2d(x, Tensor.zeros(6, 2, 3, 3), null, 1, 1, 1, 3)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("groups=3");
        assertThatThrownBy(() -> F.conv2d(x, Tensor.zeros(6, 4, 9, 9), null, 1, 0, 1, 1)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("smaller than the dilated kernel");
        assertThatThrownBy(() -> F.conv2d(x, Tensor.zeros(6, 4, 3, 3), Tensor.zeros(5), 1, 0, 1, 1))
                .isInstanceOf(ShapeException.class).hasMessageContaining("bias");
        assertThatThrownBy(() -> F.conv2d(Tensor.zeros(4, 8), Tensor.zeros(6, 4, 3, 3), null, 1, 0, 1, 1))
                .isInstanceOf(ShapeException.class).hasMessageContaining("[N, C, H, W]");
    }

    // ---------------------------------------------------------------- norms, softmax, activations

    @Test
    void layerNormsAndSoftmaxMatchPyTorch() {
        for (String name : new String[] {"ln_37x1024", "ln_5x207", "ln_3x13_noaffine"}) {
            try (ReferenceCase c = ReferenceData.load("ops/norm/" + name)) {
                Tensor y = F.layerNorm(c.tensor("input"), c.has("weight") ? c.tensor("weight") : null,
                        c.has("bias") ? c.tensor("bias") : null, Float.parseFloat(c.meta("eps")));
                Tolerance.assertClose("F.layerNorm " + name, c.tensor("output"), y, 1e-5, 1e-5);
            }
        }
        try (ReferenceCase c = ReferenceData.load("ops/norm/ln2d_2x13x7x9")) {
            Tensor y = F.layerNorm2d(c.tensor("input"), c.tensor("weight"), c.tensor("bias"), Float.parseFloat(c.meta("eps")));
            Tolerance.assertClose("F.layerNorm2d", c.tensor("output"), y, 1e-5, 1e-5);
        }
        try (ReferenceCase c = ReferenceData.load("ops/norm/softmax_3x5x7x11")) {
            for (int d = 0; d < 4; d++) {
                Tolerance.assertClose("F.softmax dim=" + d, c.tensor("dim" + d), F.softmax(c.tensor("input"), d), 1e-7, 1e-5);
            }
            Tolerance.assertClose("F.softmax dim=-1", c.tensor("dim3"), F.softmax(c.tensor("input"), -1), 1e-7, 1e-5);
            // a permuted view goes through a contiguous copy: softmax over dim 1 of the transpose = dim 2 of the input
            Tensor t = c.tensor("input").transpose(1, 2);
            Tolerance.assertClose("F.softmax of a view", c.tensor("dim2").transpose(1, 2).contiguous(), F.softmax(t, 1),
                    1e-7, 1e-5);
        }
        assertThatThrownBy(() -> F.layerNorm(Tensor.zeros(3, 5), Tensor.zeros(4), null, 1e-5f))
                .isInstanceOf(ShapeException.class).hasMessageContaining("layer_norm").hasMessageContaining("[3,5]");
        assertThatThrownBy(() -> F.layerNorm2d(Tensor.zeros(3, 5), null, null, 1e-5f)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[N, C, H, W]");
        assertThatThrownBy(() -> F.softmax(Tensor.zeros(3, 5), 2)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("dim 2");
    }

    @Test
    void activationsMatchPyTorch() {
        try (ReferenceCase c = ReferenceData.load("ops/act/activations")) {
            Tensor x = c.tensor("input");
            Tolerance.assertClose("F.gelu", c.tensor("gelu"), F.gelu(x), 1e-6, 1e-5);
            Tolerance.assertClose("F.geluTanh", c.tensor("gelu_tanh"), F.geluTanh(x), 1e-6, 1e-5);
            Tolerance.assertClose("F.quickGelu", c.tensor("quick_gelu"), F.quickGelu(x), 1e-6, 1e-5);
            Tolerance.assertClose("F.silu", c.tensor("silu"), F.silu(x), 1e-6, 1e-5);
            Tolerance.assertClose("F.sigmoid", c.tensor("sigmoid"), F.sigmoid(x), 1e-6, 1e-5);
            Tolerance.assertClose("F.tanh", c.tensor("tanh"), F.tanh(x), 1e-6, 1e-5);
        }
    }

    // ---------------------------------------------------------------- attention

    @Test
    void attentionMatchesPyTorch() {
        for (String file : new String[] {"attention_self_d64", "attention_cross", "attention_self_d13"}) {
            try (ReferenceCase c = ReferenceData.load("ops/" + file)) {
                Tensor y = F.scaledDotProductAttention(c.tensor("q"), c.tensor("k"), c.tensor("v"), null,
                        Float.parseFloat(c.meta("scale")));
                Tolerance.assertClose("F.sdpa " + file, c.tensor("out"), y, 2e-6, 1e-5);
            }
        }
        try (ReferenceCase c = ReferenceData.load("ops/attention_bias")) {
            // bias [1, H, Nq, Nk] broadcast over the batch; q, k, v given as permuted [B, N, H, d] heap views
            Tensor q = c.tensor("q").permute(0, 2, 1, 3).contiguous().permute(0, 2, 1, 3);
            Tensor k = c.tensor("k").permute(0, 2, 1, 3).contiguous().permute(0, 2, 1, 3);
            Tensor y = F.scaledDotProductAttention(q, k, c.tensor("v"), c.tensor("bias"), Float.parseFloat(c.meta("scale")));
            Tolerance.assertClose("F.sdpa bias", c.tensor("out"), y, 2e-6, 1e-5);
        }
        assertThatThrownBy(() -> F.scaledDotProductAttention(Tensor.zeros(1, 2, 3, 4), Tensor.zeros(1, 2, 5, 4),
                Tensor.zeros(1, 2, 5, 4), Tensor.zeros(3, 4), Float.NaN)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("bias").hasMessageContaining("[3,4]").hasMessageContaining("[1,2,3,5]");
        assertThatThrownBy(() -> F.scaledDotProductAttention(Tensor.zeros(1, 2, 3, 4), Tensor.zeros(1, 2, 5, 8),
                Tensor.zeros(1, 2, 5, 8), null, Float.NaN)).isInstanceOf(ShapeException.class);
    }

    @Test
    void attentionDefaultScaleIsOneOverSqrtD() {
        try (ReferenceCase c = ReferenceData.load("ops/attention_self_d64")) {
            float scale = Float.parseFloat(c.meta("scale"));
            assertThat(scale).isCloseTo((float) (1 / Math.sqrt(c.tensor("q").size(3))), org.assertj.core.data.Offset.offset(1e-7f));
            Tolerance.assertClose("F.sdpa NaN scale", c.tensor("out"),
                    F.scaledDotProductAttention(c.tensor("q"), c.tensor("k"), c.tensor("v"), null, Float.NaN), 2e-6, 1e-5);
        }
    }

    // ---------------------------------------------------------------- resampling, pooling, shuffles

    @Test
    void interpolateAndPoolingMatchPyTorch() {
        try (ReferenceCase c = ReferenceData.load("ops/resample/interpolate_2x3x11x17")) {
            Tensor x = c.tensor("input");
            for (String size : c.meta("sizes").split(" ")) {
                int oh = Integer.parseInt(size.split("x")[0]), ow = Integer.parseInt(size.split("x")[1]);
                Tolerance.assertClose("nearest " + size, c.tensor("nearest_" + size),
                        F.interpolate(x, oh, ow, "nearest", false, false), 0, 0);
                for (boolean ac : new boolean[] {false, true}) {
                    String a = ac ? "_ac" : "";
                    Tolerance.assertClose("bilinear" + a + size, c.tensor("bilinear" + a + "_" + size),
                            F.interpolate(x, oh, ow, "bilinear", ac, false), 1e-5, 1e-5);
                    Tolerance.assertClose("bicubic" + a + size, c.tensor("bicubic" + a + "_" + size),
                            F.interpolate(x, oh, ow, "bicubic", ac, false), 1e-5, 1e-5);
                    Tolerance.assertClose("bicubic_aa" + a + size, c.tensor("bicubic_aa" + a + "_" + size),
                            F.interpolate(x, oh, ow, "bicubic", ac, true), 1e-5, 1e-5);
                }
            }
        }
        try (ReferenceCase c = ReferenceData.load("ops/resample/pool_2x3x11x17")) {
            Tensor x = c.tensor("input");
            int checked = 0;
            for (String name : c.names()) {
                if (name.startsWith("avg_")) {
                    String[] p = name.substring(4).split("_");
                    int[] k = pairX(p[0].substring(1)), s = pairX(p[1].substring(1)), pad = pairX(p[2].substring(1));
                    if (k[0] == k[1] && s[0] == s[1] && pad[0] == 0 && pad[1] == 0) {
                        Tolerance.assertClose(name, c.tensor(name), F.avgPool2d(x, k[0], s[0]), 1e-6, 1e-5);
                        checked++;
                    }
                } else if (name.startsWith("adaptive_")) {
                    int[] o = pairX(name.substring(9));
                    Tolerance.assertClose(name, c.tensor(name), F.adaptiveAvgPool2d(x, o[0], o[1]), 1e-6, 1e-5);
                    checked++;
                }
            }
            assertThat(checked).isPositive();
        }
        assertThatThrownBy(() -> F.interpolate(Tensor.zeros(2, 3), 4, 4, "bilinear", false, false))
                .isInstanceOf(ShapeException.class).hasMessageContaining("[2,3]");
        assertThatThrownBy(() -> F.interpolate(Tensor.zeros(1, 1, 2, 3), 4, 4, "area", false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("area");
        assertThatThrownBy(() -> F.avgPool2d(Tensor.zeros(1, 1, 2, 2), 3, 1)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[1,1,2,2]");
    }

    @Test
    void pixelShufflesMatchPyTorch() {
        try (ReferenceCase c = ReferenceData.load("ops/shuffle/pixel_shuffle")) {
            Tensor x = c.tensor("unshuffle_in");
            for (int r : new int[] {2, 4}) {
                if (c.has("unshuffle_r" + r)) {
                    Tolerance.assertClose("pixel_unshuffle r=" + r, c.tensor("unshuffle_r" + r), F.pixelUnshuffle(x, r), 0, 0);
                    Tolerance.assertClose("roundtrip r=" + r, x.contiguous(), F.pixelShuffle(F.pixelUnshuffle(x, r), r), 0, 0);
                }
            }
            Tolerance.assertClose("pixel_shuffle r=2", c.tensor("shuffle_r2"), F.pixelShuffle(c.tensor("shuffle_in"), 2), 0, 0);
            Tolerance.assertClose("InternVL v2", c.tensor("internvl_v2"), F.internVlPixelShuffle(c.tensor("internvl_in"), 0.5f, 2), 0, 0);
            Tolerance.assertClose("InternVL v1", c.tensor("internvl_v1"), F.internVlPixelShuffle(c.tensor("internvl_in"), 0.5f, 1), 0, 0);
        }
        assertThatThrownBy(() -> F.pixelUnshuffle(Tensor.zeros(1, 2, 5, 4), 2)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[1,2,5,4]");
        assertThatThrownBy(() -> F.pixelShuffle(Tensor.zeros(1, 3, 4, 4), 2)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[1,3,4,4]");
        assertThatThrownBy(() -> F.internVlPixelShuffle(Tensor.zeros(1, 3, 4, 4), 0.5f, 2)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[1,3,4,4]");
    }

    private static int[] pair(String s) {
        String[] p = s.split(",");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    private static int[] pairX(String s) {
        String[] p = s.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
}
