package dev.ocelli.kernels.attention;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FlashTiles256/128 must be FlashTiles512 with only the species and class name replaced (see FlashTiles). */
class FlashTilesCopiesTest {

    static final Path DIR = Path.of("src/main/java/dev/ocelli/kernels/attention");

    @ParameterizedTest
    @ValueSource(ints = {256, 128})
    void generatedCopyMatchesMaster(int bits) throws IOException {
        String master = Files.readString(DIR.resolve("FlashTiles512.java"));
        String expected = master.replaceFirst("SPECIES_512", "SPECIES_" + bits)
                .replaceFirst("class FlashTiles512 ", "class FlashTiles" + bits + " ");
        assertThat(Files.readString(DIR.resolve("FlashTiles" + bits + ".java")))
                .as("FlashTiles%d.java is out of date: regenerate it from FlashTiles512.java (command in FlashTiles)", bits)
                .isEqualTo(expected);
    }
}
