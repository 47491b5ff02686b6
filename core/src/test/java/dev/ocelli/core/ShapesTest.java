package dev.ocelli.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShapesTest {

    @Test
    void numelMultipliesAndRejectsNegativeOrOverflow() {
        assertThat(Shapes.numel()).isEqualTo(1);
        assertThat(Shapes.numel(1, 577, 1024)).isEqualTo(577 * 1024);
        assertThat(Shapes.numel(3, 0, 5)).isZero();
        assertThatThrownBy(() -> Shapes.numel(2, -1)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[2,-1]");
        assertThatThrownBy(() -> Shapes.numel(1L << 40, 1L << 40)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[1099511627776,1099511627776]");
        // a zero size makes the tensor empty however large the other sizes are
        assertThat(Shapes.numel(0, 1L << 40, 1L << 40)).isZero();
    }

    @Test
    void strFormatsWithoutSpaces() {
        assertThat(Shapes.str(1, 577, 1024)).isEqualTo("[1,577,1024]");
        assertThat(Shapes.str(new long[0])).isEqualTo("[]");
        assertThat(Shapes.str(new int[] {0, -1})).isEqualTo("[0,-1]");
    }

    @Test
    void contiguousStridesAreRowMajorAndTreatZeroAsOne() {
        assertThat(Shapes.contiguousStrides(2, 3, 4)).containsExactly(12, 4, 1);
        assertThat(Shapes.contiguousStrides()).isEmpty();
        assertThat(Shapes.contiguousStrides(2, 0, 3)).containsExactly(3, 3, 1);
    }

    @Test
    void broadcastFollowsPyTorch() {
        assertThat(Shapes.broadcast(new long[] {2, 3}, new long[] {3})).containsExactly(2, 3);
        assertThat(Shapes.broadcast(new long[] {2, 1, 4}, new long[] {3, 1})).containsExactly(2, 3, 4);
        assertThat(Shapes.broadcast(new long[] {}, new long[] {5})).containsExactly(5);
        assertThat(Shapes.broadcast(new long[] {1}, new long[] {0})).containsExactly(0);
        assertThat(Shapes.broadcast(new long[] {4, 1}, new long[] {1, 5})).containsExactly(4, 5);
        assertThatThrownBy(() -> Shapes.broadcast(new long[] {2, 3}, new long[] {4}))
                .isInstanceOf(ShapeException.class).hasMessage("cannot broadcast [2,3] with [4]");
        assertThatThrownBy(() -> Shapes.broadcast(new long[] {2, 3}, new long[] {3, 3}))
                .hasMessage("cannot broadcast [2,3] with [3,3]");
    }

    @Test
    void dimResolvesNegativeAndNamesTheShape() {
        assertThat(Shapes.dim(-1, 2, new long[] {2, 3})).isEqualTo(1);
        assertThat(Shapes.dim(-2, 2, new long[] {2, 3})).isZero();
        assertThatThrownBy(() -> Shapes.dim(3, 2, new long[] {2, 3}))
                .isInstanceOf(ShapeException.class).hasMessage("dim 3 out of range for [2,3]");
        assertThatThrownBy(() -> Shapes.dim(-3, 2, new long[] {2, 3}))
                .hasMessage("dim -3 out of range for [2,3]");
    }
}
