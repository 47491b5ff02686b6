package dev.ocelli.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Broadcast elementwise math, concat and split. */
class TensorMathTest {

    private static Tensor t(float[] d, long... shape) {
        return Tensor.of(d, shape);
    }

    @Test
    void sameShapeOps() {
        Tensor a = t(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = t(new float[] {4, 3, 2, 1}, 2, 2);
        assertThat(a.add(b).toFloatArray()).containsExactly(5, 5, 5, 5);
        assertThat(a.sub(b).toFloatArray()).containsExactly(-3, -1, 1, 3);
        assertThat(a.mul(b).toFloatArray()).containsExactly(4, 6, 6, 4);
        assertThat(a.div(b).toFloatArray()).containsExactly(0.25f, 2f / 3f, 1.5f, 4f);
        assertThat(a.scale(0.5f).toFloatArray()).containsExactly(0.5f, 1f, 1.5f, 2f);
        assertThat(a.scale(0.5f).shape()).containsExactly(2, 2);
        // inputs untouched, result is fresh
        assertThat(a.toFloatArray()).containsExactly(1, 2, 3, 4);
        assertThat(a.add(b).storage()).isNotSameAs(a.storage());
    }

    @Test
    void broadcastsLikePyTorch() {
        // torch.arange(6.).view(2,3) + torch.tensor([10.,20.,30.]) -> [[10,21,32],[13,24,35]]
        Tensor a = t(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor row = t(new float[] {10, 20, 30}, 3);
        assertThat(a.add(row).toFloatArray()).containsExactly(10, 21, 32, 13, 24, 35);
        assertThat(row.add(a).shape()).containsExactly(2, 3);
        // column [2,1] * row [1,3] -> outer product [2,3]
        Tensor col = t(new float[] {1, 2}, 2, 1);
        Tensor r = t(new float[] {1, 10, 100}, 1, 3);
        assertThat(col.mul(r).toFloatArray()).containsExactly(1, 10, 100, 2, 20, 200);
        // rank 0 with anything
        assertThat(Tensor.scalar(1f).sub(a).toFloatArray()).containsExactly(1, 0, -1, -2, -3, -4);
        // [2,1,3] - [4,1] -> [2,4,3]
        Tensor x = t(new float[] {0, 1, 2, 3, 4, 5}, 2, 1, 3);
        Tensor y = t(new float[] {0, 10, 20, 30}, 4, 1);
        Tensor z = x.sub(y);
        assertThat(z.shape()).containsExactly(2, 4, 3);
        assertThat(z.get(1, 2, 1)).isEqualTo(4 - 20);
        // non-contiguous operands
        Tensor at = a.transpose(0, 1); // [3,2]: 0 3 / 1 4 / 2 5
        assertThat(at.add(t(new float[] {100, 200}, 2)).toFloatArray()).containsExactly(100, 203, 101, 204, 102, 205);
        // empty
        assertThat(t(new float[0], 0, 3).add(row).shape()).containsExactly(0, 3);
    }

    @Test
    void rejectsIncompatibleShapesAndDtypes() {
        Tensor a = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> a.add(Tensor.zeros(4))).isInstanceOf(ShapeException.class)
                .hasMessage("cannot broadcast [2,3] with [4]");
        assertThatThrownBy(() -> a.mul(Tensor.zeros(DType.BF16, 2, 3))).isInstanceOf(OcelliException.class)
                .hasMessage("mul needs F32 tensors, got BF16 [2,3]; call to(DType.F32) first");
    }

    @Test
    void mathReadsMappedStyleF32Storage() {
        Storage s = Storage.allocate(DType.F16, 3);
        Tensor h = Tensor.wrap(s, Layout.contiguous(3));
        h.set(1.5f, 0);
        h.set(2f, 1);
        h.set(-1f, 2);
        Tensor f = h.to(DType.F32);
        assertThat(f.add(f).toFloatArray()).containsExactly(3f, 4f, -2f);
        // an F32 tensor whose storage is a byte segment (how safetensors hands out F32)
        Tensor seg = Tensor.wrap(Storage.ofSegment(java.lang.foreign.MemorySegment.ofArray(new byte[12]), DType.F32),
                Layout.contiguous(3));
        seg.set(7f, 1);
        assertThat(seg.add(f).toFloatArray()).containsExactly(1.5f, 9f, -1f);
    }

    @Test
    void concatAlongAnyDim() {
        Tensor a = t(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor b = t(new float[] {6, 7}, 2, 1);
        Tensor c = Tensor.concat(1, a, b);
        assertThat(c.shape()).containsExactly(2, 4);
        assertThat(c.toFloatArray()).containsExactly(0, 1, 2, 6, 3, 4, 5, 7);
        Tensor d = Tensor.concat(-2, List.of(a, t(new float[] {9, 9, 9}, 1, 3)));
        assertThat(d.toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5, 9, 9, 9);
        // non-contiguous input
        Tensor e = Tensor.concat(0, a.transpose(0, 1), t(new float[] {8, 8}, 1, 2));
        assertThat(e.toFloatArray()).containsExactly(0, 3, 1, 4, 2, 5, 8, 8);
        // other dtypes keep their dtype
        Tensor h = Tensor.concat(0, a.to(DType.BF16), a.to(DType.BF16));
        assertThat(h.dtype()).isEqualTo(DType.BF16);
        assertThat(h.toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5);
        assertThatThrownBy(() -> Tensor.concat(0, a, b)).isInstanceOf(ShapeException.class)
                .hasMessage("cannot concat [2,3] with [2,1] along dim 0");
        assertThatThrownBy(() -> Tensor.concat(2, a, b)).hasMessage("dim 2 out of range for [2,3]");
        assertThatThrownBy(() -> Tensor.concat(0, a, a.to(DType.F16))).isInstanceOf(OcelliException.class)
                .hasMessage("cannot concat F32 [2,3] with F16 [2,3]");
        assertThatThrownBy(() -> Tensor.concat(0, List.of())).isInstanceOf(ShapeException.class);
    }

    @Test
    void splitThenConcatIsIdentity() {
        float[] d = new float[60];
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 0.5f;
        }
        Tensor x = t(d, 3, 4, 5);
        for (int dim = -3; dim < 3; dim++) {
            assertThat(Tensor.concat(dim, x.split(dim, 2)).toFloatArray()).containsExactly(d);
        }
    }

    @Test
    void copyFromWritesThroughAView() {
        Tensor big = Tensor.zeros(3, 4);
        big.narrow(1, 1, 2).copyFrom(t(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        assertThat(big.toFloatArray()).containsExactly(0, 1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0);
        assertThatThrownBy(() -> big.copyFrom(Tensor.zeros(4, 3))).isInstanceOf(ShapeException.class)
                .hasMessage("cannot copy [4,3] into [3,4]");
        assertThatThrownBy(() -> Tensor.zeros(3, 1).expand(3, 4).copyFrom(big)).isInstanceOf(ShapeException.class)
                .hasMessage("cannot copy into [3,4] with strides [1,0]: expanded dims (stride 0) make several elements"
                        + " share one location");
    }
}
