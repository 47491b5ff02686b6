package dev.ocelli.encoders.convnext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.Tensor;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.ReferenceData;
import dev.ocelli.testdata.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ConvNeXt against {@code testdata/gen/encoders_convnext.py}: a depths 1,1,2,1 / dims 8,16,24,32
 * trunk on a 2×3×64×48 batch, the reference computed in float64 by a timm-equivalent PyTorch
 * model. Each published key layout is loaded through {@link CheckpointWeights} (the loader users
 * use: prefix detection, layout detection, architecture inference) and must give every stage.
 */
class ConvNeXtReferenceTest {
    // F32 against a float64 reference through 5 blocks; measured worst error is printed
    static final double ATOL = 1e-5, RTOL = 1e-4;

    static ReferenceCase io;

    @BeforeAll
    static void open() {
        io = ReferenceData.load("encoders/convnext/io");
    }

    @AfterAll
    static void close() {
        io.close();
    }

    static Path dir(String layout) {
        return ReferenceData.root().resolve("encoders/convnext/" + layout);
    }

    @ParameterizedTest
    @ValueSource(strings = {"timm", "open_clip", "llava_hr", "mgm"})
    void everyStageMatchesPyTorch(String layout) {
        try (CheckpointWeights w = CheckpointWeights.open(dir(layout))) {
            ConvNeXt m = ConvNeXt.load(w, null, ConvNeXt.impliedEps(dir(layout)));
            assertThat(m.config().depths()).containsExactly(1, 1, 2, 1);
            assertThat(m.config().dims()).containsExactly(8, 16, 24, 32);
            assertThat(m.config().eps()).isEqualTo(1e-6f);
            ConvNeXtFeatures f = m.forward(io.tensor("pixel_values"));
            for (Map.Entry<String, Tensor> e : f.named().entrySet()) {
                Tensor expected = io.tensor(e.getKey());
                Tensor actual = e.getValue().contiguous();
                Tolerance.assertClose(layout + " " + e.getKey(), expected, actual, ATOL, RTOL);
                System.out.printf("convnext %-9s %-8s %s max abs %.2e, max rel %.2e%n", layout, e.getKey(),
                        java.util.Arrays.toString(actual.shape()), maxAbs(expected, actual), maxRel(expected, actual));
            }
        }
    }

    @Test
    void prefixesAndLayoutsAreDetected() {
        try (CheckpointWeights w = CheckpointWeights.open(dir("open_clip"))) {
            ConvNeXt m = ConvNeXt.load(w, null, Float.NaN);
            assertThat(m.report().prefix()).isEqualTo("visual.trunk.");
            // trunk head and the text tower are noted, not reported
            assertThat(String.join(" ", m.report().skipped())).contains("head.");
        }
        try (CheckpointWeights w = CheckpointWeights.open(dir("llava_hr"))) {
            assertThat(ConvNeXt.load(w, null, Float.NaN).report().prefix())
                    .isEqualTo("model.vision_tower.slow_vision_tower.vision_tower.");
        }
        try (CheckpointWeights w = CheckpointWeights.open(dir("mgm"))) {
            assertThat(ConvNeXt.load(w, null, Float.NaN).report().prefix()).isEqualTo("model.vision_tower_aux.");
        }
    }

    @Test
    void stagedApiEqualsForwardBitwise() {
        try (CheckpointWeights w = CheckpointWeights.open(dir("timm"))) {
            ConvNeXt m = ConvNeXt.load(w, null, Float.NaN);
            Tensor px = io.tensor("pixel_values");
            ConvNeXtFeatures f = m.forward(px);
            Tensor x = m.stem(px);
            assertThat(x.shape()).containsExactly(2, 16, 12, 8);
            for (int s = 0; s < m.stageCount(); s++) {
                Tensor before = x.contiguous();
                float[] copy = before.toFloatArray();
                x = m.stage(s, x);
                assertThat(before.toFloatArray()).as("stage input untouched").isEqualTo(copy);
                assertThat(ConvNeXt.toNchw(x).toFloatArray()).isEqualTo(f.stages().get(s).toFloatArray());
            }
            // an NCHW tensor handed back in (as fusion code would after injecting) works through toNhwc
            Tensor nchw = f.stages().get(1).contiguous();
            assertThat(m.stage(2, ConvNeXt.toNhwc(nchw)).toFloatArray())
                    .isEqualTo(m.stage(2, m.stage(1, m.stage(0, m.stem(px)))).toFloatArray());
        }
    }

    @Test
    void fourConcurrentForwardsAreBitwiseSerial() throws Exception {
        try (CheckpointWeights w = CheckpointWeights.open(dir("timm"))) {
            ConvNeXt m = ConvNeXt.load(w, null, Float.NaN);
            Tensor px = io.tensor("pixel_values");
            Map<String, Tensor> serial = m.forward(px).named();
            List<Thread> threads = new java.util.ArrayList<>();
            List<Map<String, Tensor>> results = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int rep = 0; rep < 2; rep++) {
                            results.add(m.forward(px).named());
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(errors).isEmpty();
            assertThat(results).hasSize(8);
            for (Map<String, Tensor> r : results) {
                for (String k : serial.keySet()) {
                    assertThat(r.get(k).toFloatArray()).as(k).isEqualTo(serial.get(k).toFloatArray());
                }
            }
        }
    }

    static double maxAbs(Tensor e, Tensor a) {
        float[] x = e.toFloatArray(), y = a.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    static double maxRel(Tensor e, Tensor a) {
        float[] x = e.toFloatArray(), y = a.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]) / Math.max(Math.abs(x[i]), 1e-3));
        }
        return m;
    }
}
