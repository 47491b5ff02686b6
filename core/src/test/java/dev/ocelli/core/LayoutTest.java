package dev.ocelli.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void contiguityIgnoresSizeOneDimsAndOffset() {
        assertThat(Layout.contiguous(2, 3).isContiguous()).isTrue();
        assertThat(new Layout(new long[] {2, 3}, new long[] {1, 2}, 0).isContiguous()).isFalse();
        assertThat(new Layout(new long[] {1, 3}, new long[] {99, 1}, 7).isContiguous()).isTrue();
        assertThat(new Layout(new long[] {2, 0}, new long[] {5, 9}, 0).isContiguous()).isTrue();
        assertThat(new Layout(new long[] {4}, new long[] {0}, 0).isContiguous()).isFalse();
        assertThat(new Layout(new long[0], new long[0], 3).isContiguous()).isTrue();
    }

    @Test
    void elementIndexAddsStridesAndChecksBounds() {
        Layout l = new Layout(new long[] {2, 3}, new long[] {1, 2}, 5);
        assertThat(l.elementIndex(1, 2)).isEqualTo(5 + 1 + 4);
        assertThat(l.rank()).isEqualTo(2);
        assertThat(l.numel()).isEqualTo(6);
        assertThat(l.size(-1)).isEqualTo(3);
        assertThat(l.stride(0)).isEqualTo(1);
        assertThat(l.requiredElements()).isEqualTo(5 + 1 + 4 + 1);
        assertThatThrownBy(() -> l.elementIndex(2, 0)).isInstanceOf(ShapeException.class)
                .hasMessage("index [2,0] out of range for [2,3]");
        assertThatThrownBy(() -> l.elementIndex(0)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[2,3]");
    }

    @Test
    void validatesAndIsImmutable() {
        assertThatThrownBy(() -> new Layout(new long[] {2}, new long[] {1, 1}, 0))
                .isInstanceOf(ShapeException.class).hasMessageContaining("[2]").hasMessageContaining("[1,1]");
        assertThatThrownBy(() -> new Layout(new long[] {2}, new long[] {-1}, 0)).isInstanceOf(ShapeException.class);
        assertThatThrownBy(() -> new Layout(new long[] {2}, new long[] {1}, -1)).isInstanceOf(ShapeException.class);
        long[] shape = {2, 3};
        Layout l = Layout.contiguous(shape);
        shape[0] = 9;
        l.shape()[1] = 9;
        assertThat(l.shape()).containsExactly(2, 3);
        assertThat(l).isEqualTo(new Layout(new long[] {2, 3}, new long[] {3, 1}, 0));
        assertThat(l.hashCode()).isEqualTo(new Layout(new long[] {2, 3}, new long[] {3, 1}, 0).hashCode());
        assertThat(l.toString()).isEqualTo("Layout[shape=[2,3], strides=[3,1], offset=0]");
    }
}
