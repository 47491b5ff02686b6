package dev.ocelli.encoders.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.Tolerance;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DynamicPreprocessTest {

    /** Grid choice for ~3100 sizes (random, exact ties, the photos) and ten max values. */
    @Test
    void gridsMatchInternVlForEverySizeAndMax() {
        try (ReferenceCase f = Ref.load("internvl_grids")) {
            long[] sizes = Ref.i64(f, "sizes");
            int n = sizes.length / 2;
            assertThat(n).isGreaterThan(3000);
            int checked = 0;
            for (String name : f.names()) {
                if (!name.startsWith("grid.")) {
                    continue;
                }
                // grid.min<a>.max<b>[.size<s>]
                String[] parts = name.split("\\.");
                int min = Integer.parseInt(parts[1].substring(3));
                int max = Integer.parseInt(parts[2].substring(3));
                int size = parts.length > 3 ? Integer.parseInt(parts[3].substring(4)) : 448;
                byte[] grids = Ref.u8(f, name); // (cols, rows) pairs, U8
                for (int i = 0; i < n; i++) {
                    int w = (int) sizes[2 * i], h = (int) sizes[2 * i + 1];
                    int[] g = DynamicPreprocess.closestGrid(w, h, min, max, size);
                    if (g[0] != grids[2 * i] || g[1] != grids[2 * i + 1]) {
                        throw new AssertionError(name + ": image " + w + "x" + h + ": InternVL picks (" + grids[2 * i]
                                + ", " + grids[2 * i + 1] + "), we pick (" + g[0] + ", " + g[1] + ")");
                    }
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(12 * 3000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chelsea", "coffee", "rocket", "portrait", "panorama", "tiny", "sliver"})
    void boxesMatchInternVl(String stem) {
        RgbImage img = Ref.image(stem + ".png");
        try (ReferenceCase f = Ref.load("internvl")) {
            for (int max : new int[] {6, 12}) {
                long[] grid = Ref.i64(f, stem + ".max" + max + ".grid");
                long[] boxes = Ref.i64(f, stem + ".max" + max + ".boxes");
                DynamicPreprocess.Plan plan = DynamicPreprocess.plan(img.width(), img.height(), 1, max, 448, true);
                assertThat(new long[] {plan.cols(), plan.rows(), plan.tileCount()}).as("%s max %d", stem, max)
                        .containsExactly(grid);
                assertThat(plan.boxes()).hasSize(boxes.length / 4);
                for (int i = 0; i < plan.boxes().size(); i++) {
                    DynamicPreprocess.Box b = plan.boxes().get(i);
                    assertThat(new long[] {b.left(), b.top(), b.right(), b.bottom()}).as("%s max %d box %d", stem, max, i)
                            .containsExactly(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
                }
            }
        }
    }

    /** Every tile and the thumbnail, at tile size 112 (same code path as 448), byte for byte. */
    @ParameterizedTest
    @ValueSource(strings = {"chelsea", "coffee", "rocket", "portrait", "panorama", "tiny", "sliver"})
    void tilesMatchPilAt112(String stem) {
        RgbImage img = Ref.image(stem + ".png");
        DynamicPreprocess.Plan plan = DynamicPreprocess.plan(img.width(), img.height(), 1, 6, 112, true);
        List<RgbImage> tiles = DynamicPreprocess.tiles(img, plan);
        assertThat(tiles).hasSize(plan.tileCount());
        RgbImage expected = Ref.expected("internvl112_" + stem); // tiles stacked vertically
        assertThat(expected.height()).isEqualTo(112 * tiles.size());
        for (int t = 0; t < tiles.size(); t++) {
            Ref.assertSameImage(stem + " tile " + t, expected.crop(0, 112 * t, 112, 112 * (t + 1)), tiles.get(t));
        }
    }

    @Test
    void panoramaAt448FirstTileAndThumbnail() {
        RgbImage img = Ref.image("panorama.png");
        DynamicPreprocess.Plan plan = DynamicPreprocess.plan(img.width(), img.height(), 1, 6, 448, true);
        assertThat(plan.cols()).isEqualTo(5);
        assertThat(plan.rows()).isEqualTo(1);
        List<RgbImage> tiles = DynamicPreprocess.tiles(img, plan);
        RgbImage expected = Ref.expected("internvl448_panorama");
        Ref.assertSameImage("panorama tile 0", expected.crop(0, 0, 448, 448), tiles.get(0));
        Ref.assertSameImage("panorama thumbnail", expected.crop(0, 448, 448, 896), tiles.get(tiles.size() - 1));
    }

    /** torchvision's ToTensor + Normalize after the tiling, bit for bit. */
    @Test
    void normalisedTilesMatchTorchvision() {
        RgbImage img = Ref.image("chelsea.png");
        DynamicPreprocess.Plan plan = DynamicPreprocess.plan(img.width(), img.height(), 1, 2, 112, true);
        float[] ours = DynamicPreprocess.pixelValues(DynamicPreprocess.tiles(img, plan), 112);
        try (ReferenceCase f = Ref.load("internvl")) {
            assertThat(f.file().info("chelsea.size112.max2.pixel_values").shape()).containsExactly(3, 3, 112, 112);
            Tolerance.assertClose("internvl chelsea", Ref.f32(f, "chelsea.size112.max2.pixel_values"), ours, 0, 0);
        }
    }

    @Test
    void defaultPipelineShapesAndErrors() {
        RgbImage img = Ref.image("tiny.png"); // 7x5 -> (3, 2) at max 6? ratio 1.4 is closest to 1.5
        DynamicPreprocess.Plan plan = DynamicPreprocess.plan(7, 5, 1, 6, 448, true);
        float[] pv = DynamicPreprocess.pixelValues(img, 6);
        assertThat(pv.length).isEqualTo(plan.tileCount() * 3 * 448 * 448);
        DynamicPreprocess.Tiled t = DynamicPreprocess.tensor(img, 6);
        assertThat(t.plan()).isEqualTo(plan);
        assertThat(t.pixelValues().shape()).containsExactly(plan.tileCount(), 3, 448, 448);
        assertThat(t.pixelValues().toFloatArray()).isEqualTo(pv);
        DynamicPreprocess.Plan one = DynamicPreprocess.plan(500, 500, 1, 1, 448, true);
        assertThat(one.tileCount()).as("no thumbnail for a single tile").isEqualTo(1);
        assertThatThrownBy(() -> DynamicPreprocess.plan(5, 5, 3, 2, 448, true)).hasMessageContaining("min 3, max 2");
    }
}
