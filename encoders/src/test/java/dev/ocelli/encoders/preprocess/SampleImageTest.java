package dev.ocelli.encoders.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SampleImageTest {

    @Test
    void bundledPhotoLoads() {
        RgbImage img = SampleImage.load();
        assertThat(Math.max(img.width(), img.height())).isLessThanOrEqualTo(768);
        assertThat(Math.min(img.width(), img.height())).isGreaterThan(100);
        // a photograph, not a flat placeholder: many distinct colours
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int i = 0; i < img.pixels().length; i += 3) {
            colours.add(((img.pixels()[i] & 0xFF) << 16) | ((img.pixels()[i + 1] & 0xFF) << 8) | (img.pixels()[i + 2] & 0xFF));
        }
        assertThat(colours.size()).isGreaterThan(5000);
    }
}
