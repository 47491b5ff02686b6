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
 * JAZZER_FUZZ=1 JAZZER_INSTRUMENT='com.fasterxml.jackson.**,dev.ocelli.**' \
 *   mvn -B -o -pl core test -Dmaven.compiler.release=23 -Dtest='SafetensorsFuzzTest#parseHeader'
 * </pre>
 * Why {@code release=23}: Jazzer 0.24.0 bundles an ASM that reads class files up to version 67
 * (JDK 23). Classes compiled for release 25 (version 69) load fine but are not instrumented
 * ("Unsupported class file major version 69"), so fuzzing would get no coverage feedback from
 * our code. Regression mode needs no instrumentation and runs on the normal build. The
 * safetensors code uses no API newer than JDK 22, so compiling it (best in a scratch copy of the
 * worktree) for release 23 and running on JDK 25 fuzzes the same code. JAZZER_INSTRUMENT adds
 * Jackson, which does the tokenising, to the coverage map. core/pom.xml sets
 * {@code jazzer.hooks=false} for regression runs (the hooks would fail on every JDK 25 class and
 * print thousands of stack traces) and back to true when {@code JAZZER_FUZZ} is set.
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
