package dev.ocelli.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.core.safetensors.NoSuchTensorException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ReferenceDataTest {

    @Test
    void rootIsTheCommittedDataDirectory() {
        assertThat(ReferenceData.root()).isDirectory();
        assertThat(ReferenceData.root().resolve("roundtrip/torch_written.safetensors")).isRegularFile();
        assertThat(ReferenceData.exists("roundtrip/torch_written")).isTrue();
        assertThat(ReferenceData.exists("roundtrip/nope")).isFalse();
    }

    @Test
    void missingCaseNamesThePathAndTheGenerator() {
        assertThatThrownBy(() -> ReferenceData.load("ops/does_not_exist"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ops/does_not_exist.safetensors")
                .hasMessageContaining("testdata/generate.py");
    }

    @Test
    void caseExposesNamesMetadataAndTensors() {
        try (ReferenceCase c = ReferenceData.load("roundtrip/torch_written")) {
            assertThat(c.relpath()).isEqualTo("roundtrip/torch_written");
            assertThat(Files.isSameFile(c.path(), ReferenceData.path("roundtrip/torch_written"))).isTrue();
            assertThat(c.names()).isSorted().contains("f32.scalar", "u8.all").hasSize(32);
            assertThat(c.has("f32.scalar")).isTrue();
            assertThat(c.floats("f32.scalar")).containsExactly(3.5f);
            assertThat(c.metadata()).containsKeys("generator_version", "torch_version", "group");
            assertThatThrownBy(() -> c.meta("no_such_key")).hasMessageContaining("no_such_key");
            assertThatThrownBy(() -> c.tensor("f32.scalr")).isInstanceOf(NoSuchTensorException.class)
                    .hasMessageContaining("f32.scalar"); // suggests the close name
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
