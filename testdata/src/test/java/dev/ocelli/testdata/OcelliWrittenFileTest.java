package dev.ocelli.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.core.DType;
import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsFile;
import dev.ocelli.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files Ocelli writes must load in PyTorch. This test writes roundtrip/ocelli_written with
 * {@link SafetensorsWriter}; testdata/gen/safetensors_io.py loads the committed copy with an
 * independent reader under torch and fails the generator unless every tensor is bit-exact.
 *
 * <p>In the normal build the test checks that the writer still produces exactly the committed
 * bytes (so the torch verification still applies). To rewrite the committed file:
 * {@code mvn -B -q -pl testdata test -Dtest=OcelliWrittenFileTest -Docelli.testdata.regenerate=true},
 * then run the generator, which verifies it (testdata/README.md).
 */
class OcelliWrittenFileTest {

    static final String RELPATH = "roundtrip/ocelli_written";

    /** Must match OCELLI_META in testdata/gen/safetensors_io.py. */
    static Map<String, String> metadata() {
        Map<String, String> m = new TreeMap<>();
        m.put("writer", "ocelli");
        m.put("purpose", "Ocelli-written file, verified by PyTorch");
        m.put("unicode", "ÿ ✓ 日本");
        return m;
    }

    /**
     * copy.* : every tensor of torch_written, as read by Ocelli (mapped, any dtype).
     * made.* : tensors built in Java, including non-contiguous views (see ocelli_expected in the .py).
     */
    static void write(Path target) {
        try (ReferenceCase src = ReferenceData.load("roundtrip/torch_written")) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : src.names()) {
                out.put("copy." + name, src.tensor(name));
            }
            float[] r = new float[24];
            for (int k = 0; k < r.length; k++) {
                r[k] = 0.5f * k - 6f;
            }
            Tensor ramp = Tensor.of(r, 2, 3, 4);
            out.put("made.ramp", ramp);
            out.put("made.permuted", ramp.permute(2, 0, 1));
            out.put("made.bf16", ramp.to(DType.BF16));
            out.put("made.f16", ramp.to(DType.F16));
            out.put("made.narrow", ramp.narrow(2, 1, 2));
            out.put("made.scalar", Tensor.scalar(2.5f));
            SafetensorsWriter.write(target, out, metadata());
        }
    }

    @Test
    void writerStillProducesTheCommittedFile(@TempDir Path tmp) throws IOException {
        Path committed = ReferenceData.path(RELPATH);
        if (Boolean.getBoolean("ocelli.testdata.regenerate")) {
            write(committed);
            System.out.println("wrote " + committed + "; now run /usr/bin/python3 testdata/generate.py safetensors_io to verify it in torch");
        }
        Path fresh = tmp.resolve("fresh.safetensors");
        write(fresh);
        assertThat(Files.exists(committed))
                .as("%s is missing; regenerate it (testdata/README.md)", committed).isTrue();
        assertThat(Files.readAllBytes(fresh))
                .as("SafetensorsWriter output differs from the committed %s, which torch verified. If the change "
                        + "is intended, regenerate with -Docelli.testdata.regenerate=true and re-run the generator "
                        + "(testdata/README.md)", committed)
                .isEqualTo(Files.readAllBytes(committed));
    }

    @Test
    void writtenFileReadsBackBitExactInJava(@TempDir Path tmp) {
        Path p = tmp.resolve("x.safetensors");
        write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p);
             ReferenceCase src = ReferenceData.load("roundtrip/torch_written")) {
            assertThat(f.metadata()).containsAllEntriesOf(metadata());
            for (String name : src.names()) {
                assertThat(f.info("copy." + name).dtype()).isEqualTo(src.file().info(name).dtype());
                assertThat(f.info("copy." + name).shape()).isEqualTo(src.file().info(name).shape());
                assertThat(f.bytes("copy." + name).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                        .as("copy.%s", name)
                        .isEqualTo(src.file().bytes(name).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
            Tensor permuted = f.tensor("made.permuted");
            assertThat(permuted.shape()).containsExactly(4, 2, 3);
            assertThat(permuted.get(3, 1, 2)).isEqualTo(0.5f * (12 + 2 * 4 + 3) - 6f); // ramp[1,2,3]
            assertThat(f.tensor("made.narrow").shape()).containsExactly(2, 3, 2);
            assertThat(f.tensor("made.narrow").get(1, 2, 0)).isEqualTo(0.5f * (12 + 8 + 1) - 6f); // ramp[1,2,1]
            assertThat(f.tensor("made.scalar").get()).isEqualTo(2.5f);
        }
    }
}
