package dev.ocelli.core.safetensors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Jazzer fuzz targets for the header and index parsers. The only exception a hostile input may
 * cause is {@link SafetensorsFormatException}; anything else (NPE, OOM, index errors, a hang past
 * Jazzer's timeout) is a finding.
 *
 * <p>Normal {@code mvn test} runs them in regression mode over the seeds in
 * {@code src/test/resources/dev/ocelli/core/safetensors/SafetensorsFuzzTestInputs/<method>/}
 * (written by {@code safetensors/make_malformed.py}). Real fuzzing, one target per run:
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o -pl core test -Dtest='SafetensorsFuzzTest#parseHeader'
 * </pre>
 */
class SafetensorsFuzzTest {

    private static final Path NAME = Path.of("fuzz.safetensors");

    @FuzzTest(maxDuration = "10m")
    void parseHeader(byte[] data) {
        SafetensorsHeader h;
        try {
            h = SafetensorsHeader.parse(NAME, MemorySegment.ofArray(data));
        } catch (SafetensorsFormatException expected) {
            if (expected.getMessage().indexOf('\n') >= 0 || expected.rule() == null) {
                throw new AssertionError("message must be one line with a rule: " + expected.getMessage());
            }
            return;
        }
        // Accepted files must satisfy what readers rely on: regions tile [0, dataLength) in order
        // and each holds exactly numel x dtype size bytes.
        long cursor = 0;
        for (TensorInfo t : h.tensors()) {
            if (t.begin() != cursor || t.byteSize() != t.numel() * t.dtype().byteSize() || h.find(t.name()) != t) {
                throw new AssertionError("accepted an inconsistent entry " + t + " at cursor " + cursor);
            }
            cursor = t.end();
        }
        if (cursor != h.dataLength() || h.dataStart() + h.dataLength() != data.length) {
            throw new AssertionError("accepted regions ending at " + cursor + " for a buffer of " + h.dataLength());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void parseIndex(byte[] data) {
        try {
            SafetensorsCheckpoint.parseIndex(NAME, data);
        } catch (SafetensorsFormatException expected) {
            if (expected.getMessage().indexOf('\n') >= 0) {
                throw new AssertionError("message must be one line: " + expected.getMessage());
            }
        }
    }
}
