package dev.ocelli.kernels.gemm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The scalar activation definitions against PyTorch values, so the vector epilogue (tested
 * against these in OperandFormsTest) cannot agree with a wrong formula.
 */
class ActivationTest {

    // x = torch.tensor([-6., -3., -1., -.5, 0., .5, 1., 3.], dtype=torch.float64)   # torch 1.13
    // F.gelu(x), F.gelu(x, approximate='tanh'), x * torch.sigmoid(1.702 * x)
    @ParameterizedTest(name = "x={0}")
    @CsvSource({
            "-6.0, -5.919525869479969e-09, -8.43964897967453e-11, -0.00022035354978739243",
            "-3.0, -0.00404969409489031, -0.0036373920817729943, -0.01807130970778597",
            "-1.0, -0.15865525393145702, -0.1588080093917233, -0.1542042340671787",
            "-0.5, -0.15426876936299344, -0.15428599017485606, -0.1496115633936199",
            "0.0, 0.0, 0.0, 0.0",
            "0.5, 0.34573123063700656, 0.34571400982514394, 0.35038843660638014",
            "1.0, 0.841344746068543, 0.8411919906082768, 0.8457957659328212",
            "3.0, 2.99595030590511, 2.996362607918227, 2.981928690292214",
    })
    void matchesTorch(float x, double geluErf, double geluTanh, double quickGelu) {
        assertThat((double) Activation.GELU_ERF.apply(x)).isCloseTo(geluErf, within(1e-9 + 1e-6 * Math.abs(geluErf)));
        assertThat((double) Activation.GELU_TANH.apply(x)).isCloseTo(geluTanh, within(1e-9 + 1e-6 * Math.abs(geluTanh)));
        assertThat((double) Activation.QUICK_GELU.apply(x)).isCloseTo(quickGelu, within(1e-9 + 1e-6 * Math.abs(quickGelu)));
        assertThat(Activation.NONE.apply(x)).isEqualTo(x);
    }
}
