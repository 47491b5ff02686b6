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
