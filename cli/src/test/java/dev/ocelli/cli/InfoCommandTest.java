package dev.ocelli.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.kernels.KernelInfo;
import org.junit.jupiter.api.Test;

class InfoCommandTest {

    @Test
    void printsJdkVectorSpeciesBackendsAndThreads() {
        CliRunner r = CliRunner.run("info");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        String out = r.out();
        assertThat(out).contains("JDK        " + System.getProperty("java.runtime.version"));
        assertThat(out).contains("java.home  " + System.getProperty("java.home"));
        assertThat(out).contains("CPU cores  " + Runtime.getRuntime().availableProcessors());
        assertThat(out).contains("max heap");
        assertThat(out).contains("preferred species  " + KernelInfo.preferredSpecies());
        // surefire runs with --add-modules jdk.incubator.vector, so the Vector API is on
        assertThat(out).containsPattern("bit width +" + KernelInfo.preferredBitSize() + " bits");
        for (KernelInfo.Backend b : KernelInfo.backends()) {
            assertThat(out).containsPattern("(?m)^  " + b.name() + " +" + (b.available() ? "available" : "unavailable")
                    + " +" + java.util.regex.Pattern.quote(b.detail()) + "$");
        }
        assertThat(out).contains("Threads  " + KernelInfo.threads());
    }

    @Test
    void cpuLineNamesModelAndSimdFlagsOnLinux() {
        String cpu = InfoCommand.cpuDescription();
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/cpuinfo"))) {
            assertThat(cpu).isNotBlank();
            if (KernelInfo.preferredBitSize() == 512) { // the JVM only picks 512-bit species with AVX-512
                assertThat(cpu).contains("avx512f");
            }
            assertThat(CliRunner.run("info").out()).contains("CPU        " + cpu);
        } else {
            assertThat(cpu).isNull();
        }
    }

    @Test
    void jsonHasTheSameFacts() throws java.io.IOException {
        CliRunner r = CliRunner.run("info", "--json");
        assertThat(r.exit()).isZero();
        java.util.Map<String, String> scalars = new java.util.HashMap<>();
        java.util.List<String> backendNames = new java.util.ArrayList<>();
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(r.out())) {
            String field = null;
            for (var t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    field = p.currentName();
                } else if (t.isScalarValue()) {
                    if ("name".equals(field) && p.getParsingContext().getParent().inArray()) {
                        backendNames.add(p.getText());
                    } else {
                        scalars.putIfAbsent(field, p.getText());
                    }
                }
            }
        }
        assertThat(scalars).containsEntry("home", System.getProperty("java.home"))
                .containsEntry("bit_width", Integer.toString(KernelInfo.preferredBitSize()))
                .containsEntry("threads", Integer.toString(KernelInfo.threads()))
                .containsEntry("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(backendNames).containsExactlyElementsOf(KernelInfo.backends().stream().map(KernelInfo.Backend::name).toList());
    }

    @Test
    void versionAndHelp() {
        CliRunner v = CliRunner.run("--version");
        assertThat(v.exit()).isZero();
        assertThat(v.out()).startsWith("ocelli ");
        CliRunner h = CliRunner.run("--help");
        assertThat(h.exit()).isZero();
        assertThat(h.out()).contains("info").contains("inspect");
        CliRunner none = CliRunner.run();
        assertThat(none.exit()).isZero();
        assertThat(none.out()).contains("Usage: ocelli");
    }

    @Test
    void unknownSubcommandIsOneLineAndExit2() {
        CliRunner r = CliRunner.run("frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("ocelli: ").contains("frobnicate");
    }
}
