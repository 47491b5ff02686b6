package dev.ocelli.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every view op against hand-computed shapes, strides, offsets and values. */
class TensorViewTest {

    /** [2,3,4] holding 0..23 in C order. */
    private static Tensor iota(long... shape) {
        float[] d = new float[(int) Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return Tensor.of(d, shape);
    }

    private static void assertLayout(Tensor t, long[] shape, long[] strides, long offset) {
        assertThat(t.shape()).containsExactly(shape);
        assertThat(t.strides()).containsExactly(strides);
        assertThat(t.offset()).isEqualTo(offset);
    }

    @Test
    void creationAndMetadata() {
        Tensor t = iota(2, 3, 4);
        assertThat(t.dtype()).isEqualTo(DType.F32);
        assertThat(t.rank()).isEqualTo(3);
        assertThat(t.numel()).isEqualTo(24);
        assertThat(t.size(-1)).isEqualTo(4);
        assertThat(t.size(0)).isEqualTo(2);
        assertThat(t.isContiguous()).isTrue();
        assertThat(t.get(1, 2, 3)).isEqualTo(23f);
        assertThat(t.layout()).isEqualTo(Layout.contiguous(2, 3, 4));
        t.set(-5f, 0, 1, 0);
        assertThat(t.storage().floatArray()[4]).isEqualTo(-5f);
        long[] s = t.shape();
        s[0] = 7;
        assertThat(t.shape()).containsExactly(2, 3, 4);
        assertThatThrownBy(() -> t.size(3)).isInstanceOf(ShapeException.class)
                .hasMessage("dim 3 out of range for [2,3,4]");
        assertThatThrownBy(() -> t.get(2, 0, 0)).hasMessage("index [2,0,0] out of range for [2,3,4]");

        Tensor z = Tensor.zeros(2, 2);
        assertThat(z.toFloatArray()).containsExactly(0, 0, 0, 0);
        Tensor sc = Tensor.scalar(3.5f);
        assertThat(sc.rank()).isZero();
        assertThat(sc.get()).isEqualTo(3.5f);
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).isInstanceOf(ShapeException.class)
                .hasMessage("cannot view float[5] as [2,3] (6 elements)");
    }

    @Test
    void wrapChecksTheLayoutFitsTheStorage() {
        Storage s = Storage.ofFloats(new float[10]);
        Tensor t = Tensor.wrap(s, new Layout(new long[] {2, 2}, new long[] {5, 1}, 3));
        assertThat(t.storage()).isSameAs(s);
        assertThatThrownBy(() -> Tensor.wrap(s, new Layout(new long[] {2, 3}, new long[] {5, 1}, 4)))
                .isInstanceOf(ShapeException.class)
                .hasMessage("layout [2,3] strides [5,1] offset 4 needs 12 elements but the F32 storage holds 10");
        assertThatThrownBy(() -> Tensor.wrap(Storage.allocate(DType.I32, 4), Layout.contiguous(4)))
                .isInstanceOf(OcelliException.class).hasMessageContaining("I32");
    }

    @Test
    void reshapeIsAViewWhenPossibleAndInfersMinusOne() {
        Tensor t = iota(2, 3, 4);
        Tensor r = t.reshape(6, -1);
        assertLayout(r, new long[] {6, 4}, new long[] {4, 1}, 0);
        assertThat(r.storage()).isSameAs(t.storage());
        assertThat(r.get(5, 3)).isEqualTo(23f);
        assertThatThrownBy(() -> t.reshape(5, -1)).isInstanceOf(ShapeException.class)
                .hasMessage("cannot reshape [2,3,4] to [5,-1]");
        assertThatThrownBy(() -> t.reshape(-1, -1)).hasMessageContaining("only one dim can be -1");
        assertThatThrownBy(() -> iota(1, 577, 1024).reshape(1, 576, 1024))
                .hasMessage("cannot reshape [1,577,1024] to [1,576,1024]");
    }

    @Test
    void reshapeOfNonViewableTensorCopies() {
        Tensor tt = iota(2, 3).transpose(0, 1); // [3,2] strides [1,3]: values 0 3 1 4 2 5
        Tensor r = tt.reshape(6);
        assertThat(r.storage()).isNotSameAs(tt.storage());
        assertThat(r.toFloatArray()).containsExactly(0, 3, 1, 4, 2, 5);
        assertThatThrownBy(() -> tt.view(6)).isInstanceOf(ShapeException.class)
                .hasMessage("cannot view [3,2] with strides [1,3] as [6]: not compatible with the strides, use reshape()");
        // splitting a dim of a transposed tensor is still a view
        Tensor v = iota(4, 6).transpose(0, 1).view(2, 3, 4); // [6,4] strides [1,6] -> [2,3,4]
        assertLayout(v, new long[] {2, 3, 4}, new long[] {3, 1, 6}, 0);
        assertThat(v.get(1, 2, 3)).isEqualTo(3 * 6 + 5);
    }

    @Test
    void viewMergesDimsThatAreContiguousWithEachOther() {
        // [2,3,4] narrowed on dim 2 to [2,3,2]: dims 0,1 merge (stride 12 = 3*4), dim 2 does not
        Tensor n = iota(2, 3, 4).narrow(2, 1, 2);
        Tensor v = n.view(6, 2);
        assertLayout(v, new long[] {6, 2}, new long[] {4, 1}, 1);
        assertThat(v.toFloatArray()).containsExactly(1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22);
        assertThatThrownBy(() -> n.view(12)).isInstanceOf(ShapeException.class);
        // size-1 dims can be inserted anywhere
        assertLayout(iota(2, 3).view(1, 2, 1, 3), new long[] {1, 2, 1, 3}, new long[] {6, 3, 3, 1}, 0);
        assertLayout(Tensor.scalar(1f).view(1, 1), new long[] {1, 1}, new long[] {1, 1}, 0);
        assertLayout(iota(1, 1).view(), new long[0], new long[0], 0);
    }

    @Test
    void permuteAndTransposeSwapShapeAndStrides() {
        Tensor t = iota(2, 3, 4);
        Tensor p = t.permute(2, 0, 1);
        assertLayout(p, new long[] {4, 2, 3}, new long[] {1, 12, 4}, 0);
        assertThat(p.storage()).isSameAs(t.storage());
        assertThat(p.isContiguous()).isFalse();
        assertThat(p.get(3, 1, 2)).isEqualTo(t.get(1, 2, 3));
        assertLayout(t.permute(-1, -3, -2), new long[] {4, 2, 3}, new long[] {1, 12, 4}, 0);
        assertLayout(t.transpose(0, -1), new long[] {4, 3, 2}, new long[] {1, 4, 12}, 0);
        assertThatThrownBy(() -> t.permute(0, 0, 1)).isInstanceOf(ShapeException.class)
                .hasMessage("permute [0,0,1] repeats dim 0 of [2,3,4]");
        assertThatThrownBy(() -> t.permute(0, 1)).hasMessage("permute [0,1] does not match rank 3 of [2,3,4]");
        assertThatThrownBy(() -> t.transpose(0, 3)).hasMessage("dim 3 out of range for [2,3,4]");
    }

    @Test
    void narrowMovesOffset() {
        Tensor t = iota(2, 3, 4);
        Tensor n = t.narrow(1, 1, 2);
        assertLayout(n, new long[] {2, 2, 4}, new long[] {12, 4, 1}, 4);
        assertThat(n.toFloatArray()).containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23);
        assertLayout(t.narrow(-1, -1, 1), new long[] {2, 3, 1}, new long[] {12, 4, 1}, 3);
        assertLayout(t.narrow(0, 2, 0), new long[] {0, 3, 4}, new long[] {12, 4, 1}, 24);
        assertThatThrownBy(() -> t.narrow(1, 2, 2)).isInstanceOf(ShapeException.class)
                .hasMessage("narrow(dim 1, start 2, length 2) out of range for [2,3,4]");
        n.set(100f, 0, 0, 0);
        assertThat(t.get(0, 1, 0)).isEqualTo(100f); // shares storage
    }

    @Test
    void sliceWithStepFollowsPythonSlices() {
        Tensor t = iota(10);
        assertLayout(t.slice(0, 1, 8, 3), new long[] {3}, new long[] {3}, 1);
        assertThat(t.slice(0, 1, 8, 3).toFloatArray()).containsExactly(1, 4, 7);
        assertThat(t.slice(0, -3, Long.MAX_VALUE, 1).toFloatArray()).containsExactly(7, 8, 9);
        assertThat(t.slice(0, 0, -8, 2).toFloatArray()).containsExactly(0);
        assertThat(t.slice(0, 8, 2, 1).numel()).isZero();
        assertThat(t.slice(0, -100, 100, 4).toFloatArray()).containsExactly(0, 4, 8);
        Tensor m = iota(3, 4).slice(1, 1, 4, 2); // columns 1 and 3
        assertLayout(m, new long[] {3, 2}, new long[] {4, 2}, 1);
        assertThat(m.toFloatArray()).containsExactly(1, 3, 5, 7, 9, 11);
        assertThatThrownBy(() -> t.slice(0, 0, 5, 0)).isInstanceOf(ShapeException.class)
                .hasMessage("slice step must be positive, got 0 for dim 0 of [10]");
    }

    @Test
    void squeezeAndUnsqueeze() {
        Tensor t = iota(2, 1, 3);
        assertLayout(t.squeeze(1), new long[] {2, 3}, new long[] {3, 1}, 0);
        assertThat(t.squeeze(0)).isSameAs(t); // PyTorch: squeezing a non-1 dim is a no-op
        assertLayout(t.squeeze(-2), new long[] {2, 3}, new long[] {3, 1}, 0);
        assertLayout(iota(1, 2, 1).squeeze(), new long[] {2}, new long[] {1}, 0);
        Tensor u = iota(2, 3);
        assertLayout(u.unsqueeze(0), new long[] {1, 2, 3}, new long[] {6, 3, 1}, 0);
        assertLayout(u.unsqueeze(1), new long[] {2, 1, 3}, new long[] {3, 3, 1}, 0);
        assertLayout(u.unsqueeze(2), new long[] {2, 3, 1}, new long[] {3, 1, 1}, 0);
        assertLayout(u.unsqueeze(-1), new long[] {2, 3, 1}, new long[] {3, 1, 1}, 0);
        assertLayout(u.unsqueeze(-3), new long[] {1, 2, 3}, new long[] {6, 3, 1}, 0);
        assertThat(u.unsqueeze(1).isContiguous()).isTrue();
        assertThatThrownBy(() -> u.unsqueeze(3)).isInstanceOf(ShapeException.class)
                .hasMessage("dim 3 out of range for [2,3]");
        assertLayout(Tensor.scalar(2f).unsqueeze(0), new long[] {1}, new long[] {1}, 0);
    }

    @Test
    void expandUsesStrideZero() {
        Tensor t = iota(3, 1);
        Tensor e = t.expand(2, 3, 4);
        assertLayout(e, new long[] {2, 3, 4}, new long[] {0, 1, 0}, 0);
        assertThat(e.isContiguous()).isFalse();
        assertThat(e.get(1, 2, 3)).isEqualTo(2f);
        assertLayout(t.expand(-1, 5), new long[] {3, 5}, new long[] {1, 0}, 0);
        assertThatThrownBy(() -> t.expand(4, 2)).isInstanceOf(ShapeException.class)
                .hasMessage("cannot expand [3,1] to [4,2]");
        assertThatThrownBy(() -> t.expand(1)).hasMessageContaining("fewer dims");
        assertThatThrownBy(() -> t.expand(-1, 3, 1)).hasMessageContaining("-1 not allowed");
        Tensor c = e.contiguous();
        assertThat(c.isContiguous()).isTrue();
        assertThat(c.toFloatArray()).containsExactly(
                0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
    }

    @Test
    void contiguousReturnsThisOrCopies() {
        Tensor t = iota(2, 3, 4);
        assertThat(t.contiguous()).isSameAs(t);
        Tensor n = t.narrow(0, 1, 1); // offset 12, still contiguous
        assertThat(n.contiguous()).isSameAs(n);
        Tensor p = t.permute(1, 0, 2);
        Tensor c = p.contiguous();
        assertThat(c).isNotSameAs(p);
        assertThat(c.storage()).isNotSameAs(t.storage());
        assertLayout(c, new long[] {3, 2, 4}, new long[] {8, 4, 1}, 0);
        assertThat(c.toFloatArray()).containsExactly(
                0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23);
        assertThat(c.contiguous()).isSameAs(c);
    }

    @Test
    void splitMakesViews() {
        Tensor t = iota(2, 5);
        List<Tensor> parts = t.split(-1, 2);
        assertThat(parts).hasSize(3);
        assertLayout(parts.get(2), new long[] {2, 1}, new long[] {5, 1}, 4);
        assertThat(parts.get(1).toFloatArray()).containsExactly(2, 3, 7, 8);
        assertThat(parts.get(0).storage()).isSameAs(t.storage());
        List<Tensor> sized = t.split(1, new long[] {1, 4});
        assertThat(sized.get(1).toFloatArray()).containsExactly(1, 2, 3, 4, 6, 7, 8, 9);
        assertThatThrownBy(() -> t.split(1, new long[] {1, 3})).isInstanceOf(ShapeException.class)
                .hasMessage("split sizes [1,3] sum to 4 but dim 1 of [2,5] has size 5");
        assertThatThrownBy(() -> t.split(0, 0)).isInstanceOf(ShapeException.class);
    }

    @Test
    void toStringShowsDtypeShapeAndFirstValues() {
        assertThat(iota(2, 3).toString()).isEqualTo("Tensor[F32 [2,3] contiguous] [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]");
        assertThat(iota(2, 4).transpose(0, 1).toString())
                .isEqualTo("Tensor[F32 [4,2] strides [1,4]] [0.0, 4.0, 1.0, 5.0, 2.0, 6.0, ... (8 values)]");
        assertThat(iota(2, 3).narrow(1, 1, 1).toString()).isEqualTo("Tensor[F32 [2,1] strides [3,1] offset 1] [1.0, 4.0]");
    }
}
