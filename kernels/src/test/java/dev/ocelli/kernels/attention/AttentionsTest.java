package dev.ocelli.kernels.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttentionsTest {

    @Test
    void autoPicksFlashWhenTheVectorApiIsOn() {
        // surefire runs with --add-modules jdk.incubator.vector
        assertThat(Attentions.get()).isInstanceOf(FlashAttention.class);
        assertThat(Attentions.describe()).startsWith("attention: flash (auto: FlashAttention[");
    }

    @Test
    void defaultScaleOverload() {
        AttentionDims s = new AttentionDims(1, 1, 3, 5, 16);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        float[] q = FlashAttentionTest.random(rnd, 48, 1f), k = FlashAttentionTest.random(rnd, 80, 1f);
        float[] a = new float[48], b = new float[48];
        Attention att = new ScalarAttention();
        att.forward(HeadView.contiguous(a, 0, 1, 3, 16), HeadView.contiguous(q, 0, 1, 3, 16),
                HeadView.contiguous(k, 0, 1, 5, 16), HeadView.contiguous(k, 0, 1, 5, 16), null, s);
        att.forward(HeadView.contiguous(b, 0, 1, 3, 16), HeadView.contiguous(q, 0, 1, 3, 16),
                HeadView.contiguous(k, 0, 1, 5, 16), HeadView.contiguous(k, 0, 1, 5, 16), null, 0.25f, s);
        assertThat(a).containsExactly(b);
    }

    @Test
    void createByName() {
        assertThat(Attentions.create("scalar", 1)).isInstanceOf(ScalarAttention.class);
        assertThat(((FlashAttention) Attentions.create("flash", 2)).threads()).isEqualTo(2);
        assertThatThrownBy(() -> Attentions.create("naive", 1)).hasMessageContaining("'naive'").hasMessageContaining("flash, scalar");
    }
}
