package dev.ocelli.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpKernelsTest {

    @Test
    void picksTheVectorKernelsAtThePreferredWidthWhenTheVectorApiIsOn() {
        // surefire runs with --add-modules jdk.incubator.vector
        String want = "vector-" + KernelInfo.preferredBitSize();
        assertThat(OpKernels.activations().name()).isEqualTo(want);
        assertThat(OpKernels.norms().name()).isEqualTo(want);
        assertThat(OpKernels.resample().name()).isEqualTo(want);
        assertThat(OpKernels.depthwise().name()).isEqualTo(want);
    }
}
