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
    void createByName() {
        assertThat(Attentions.create("scalar", 1)).isInstanceOf(ScalarAttention.class);
        assertThat(((FlashAttention) Attentions.create("flash", 2)).threads()).isEqualTo(2);
        assertThatThrownBy(() -> Attentions.create("naive", 1)).hasMessageContaining("'naive'").hasMessageContaining("flash, scalar");
    }
}
