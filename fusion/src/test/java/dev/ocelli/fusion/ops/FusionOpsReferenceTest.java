package dev.ocelli.fusion.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.ShapeException;
import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.encoders.weights.StateDict;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each operator against testdata/gen/fusion_ops.py (PyTorch, random non-zero weights under "w.").
 * Tolerance |a − e| ≤ 1e-4 + 1e-4·|e|: float32 on both sides, sums of at most a few hundred terms.
 */
class FusionOpsReferenceTest {

    static final double ATOL = 1e-4, RTOL = 1e-4;

    /** The case file as a checkpoint, its weights viewed under "w.". */
    private static StateDict weights(CheckpointWeights w) {
        return StateDict.of(w, "w.");
    }

    private static CheckpointWeights open(String rel) {
        return CheckpointWeights.open(ReferenceData.path(rel));
    }

    @Test
    void mlp2xGelu() {
        try (ReferenceCase c = ReferenceData.load("fusion/mlp2x_gelu"); CheckpointWeights w = open("fusion/mlp2x_gelu")) {
            StateDict sd = weights(w);
            Mlp2xGelu m = Mlp2xGelu.load(sd, 12, 16);
            sd.finish();
            Tolerance.assertClose("mlp2x_gelu", c.tensor("out.y"), m.forward(c.tensor("in.x")), ATOL, RTOL);
        }
    }

    @Test
    void lnMlp() {
        try (ReferenceCase c = ReferenceData.load("fusion/ln_mlp"); CheckpointWeights w = open("fusion/ln_mlp")) {
            StateDict sd = weights(w);
            LnMlp m = LnMlp.load(sd, 12, 16);
            sd.finish();
            Tolerance.assertClose("ln_mlp", c.tensor("out.y"), m.forward(c.tensor("in.x")), ATOL, RTOL);
        }
    }

    @Test
    void pixelShuffleSteps() {
        try (ReferenceCase c = ReferenceData.load("fusion/pixel_shuffle")) {
            Tolerance.assertClose("internvl pixel_shuffle v2", c.tensor("out.internvl"),
                    PixelShuffleSteps.internVl(c.tensor("in.tokens")), 0, 0);
            Tolerance.assertClose("pixel_unshuffle(4) tokens", c.tensor("out.unshuffle"),
                    PixelShuffleSteps.unshuffle(c.tensor("in.map"), 4), 0, 0);
        }
    }

    @Test
    void sequenceConcat() {
        try (ReferenceCase c = ReferenceData.load("fusion/interleave")) {
            Tolerance.assertClose("interleave", c.tensor("out.interleave"),
                    SequenceConcat.interleave(c.tensor("in.v1"), c.tensor("in.v2")), 0, 0);
            Tolerance.assertClose("append with separator", c.tensor("out.append"),
                    new SequenceConcat(c.tensor("in.sep")).append(List.of(c.tensor("in.a"), c.tensor("in.b"))), 0, 0);
            Tolerance.assertClose("append", c.tensor("out.append_plain"),
                    new SequenceConcat(null).append(List.of(c.tensor("in.a"), c.tensor("in.b"))), 0, 0);
        }
    }

    @Test
    void interleaveRejectsMismatchedShapes() {
        assertThatThrownBy(() -> SequenceConcat.interleave(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 4, 4)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("[2,3,4]");
    }

    @Test
    void channelConcat() {
        try (ReferenceCase c = ReferenceData.load("fusion/channel_concat")) {
            Tensor y = ChannelConcat.forward(List.of(c.tensor("in.m1"), c.tensor("in.t2"), c.tensor("in.m3")), 4);
            assertThat(y.shape()).containsExactly(2, 16, 15);
            Tolerance.assertClose("channel concat", c.tensor("out.y"), y, 1e-5, 1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "pool", "equal"})
    void mrAdapter(String dir) {
        String rel = "fusion/mr_adapter_" + dir;
        try (ReferenceCase c = ReferenceData.load(rel); CheckpointWeights w = open(rel)) {
            StateDict sd = weights(w);
            MrAdapter m = MrAdapter.load(sd, 16, 24);
            sd.finish();
            Tensor fast = c.tensor("in.fast");
            Tensor y = m.forward(fast, c.tensor("in.slow"));
            Tolerance.assertClose("MR-Adapter " + dir, c.tensor("out.y"), y, ATOL, RTOL);
            // the weights are non-zero, so the adapter must have changed the tokens
            assertThat(maxAbsDiff(y, fast)).isGreaterThan(0.1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "pool"})
    void multiPathAlign(String dir) {
        String rel = "fusion/multipath_" + dir;
        try (ReferenceCase c = ReferenceData.load(rel); CheckpointWeights w = open(rel)) {
            StateDict sd = weights(w);
            MultiPathAlign m = MultiPathAlign.load(sd, 16, 24);
            sd.finish();
            Tolerance.assertClose("MultiPathAlign " + dir, c.tensor("out.y"),
                    m.forward(c.tensor("in.fast"), c.tensor("in.slow")), ATOL, RTOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pim", "pim_unequal"})
    void patchInfoMining(String name) {
        String rel = "fusion/" + name;
        try (ReferenceCase c = ReferenceData.load(rel); CheckpointWeights w = open(rel)) {
            StateDict sd = weights(w);
            PatchInfoMining m = PatchInfoMining.load(sd, 16, 20);
            sd.finish();
            Tolerance.assertClose(name, c.tensor("out.y"), m.forward(c.tensor("in.xl"), c.tensor("in.xh")), ATOL, RTOL);
        }
    }

    @Test
    void patchInfoMiningHd() {
        try (ReferenceCase c = ReferenceData.load("fusion/pim_hd"); CheckpointWeights w = open("fusion/pim_hd")) {
            StateDict sd = weights(w);
            PatchInfoMining m = PatchInfoMining.load(sd, 16, 20);
            sd.finish();
            Tensor y = m.forwardHd(c.tensor("in.crops"), c.tensor("in.global"), c.tensor("in.xh"), 2);
            assertThat(y.shape()).containsExactly(1, 45, 16);
            Tolerance.assertClose("pim hd", c.tensor("out.y"), y, ATOL, RTOL);
        }
    }

    @Test
    void patchInfoMiningRejectsIndivisibleGrid() {
        try (CheckpointWeights w = open("fusion/pim")) {
            PatchInfoMining m = PatchInfoMining.load(weights(w), 16, 20);
            assertThatThrownBy(() -> m.forward(Tensor.zeros(1, 9, 16), Tensor.zeros(1, 20, 7, 7)))
                    .isInstanceOf(ShapeException.class).hasMessageContaining("multiple");
        }
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }
}
