package dev.ocelli.cli;

import dev.ocelli.kernels.KernelInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code ocelli info}: what this JVM and machine give Ocelli. Everything here is read from the
 * running JVM; the backend lines come from {@link KernelInfo}, the same probe backend selection
 * uses, so what it prints is what the kernels will do.
 */
@Command(name = "info", description = "Show the JDK, Vector API species, kernel backends and threads.")
public final class InfoCommand extends OcelliCommand {

    @Override
    public Integer call() {
        PrintWriter out = out();
        Runtime rt = Runtime.getRuntime();
        out.println("Ocelli " + Main.version());
        out.println();
        Table sys = new Table("", "");
        sys.row("JDK", System.getProperty("java.runtime.version", Runtime.version().toString())
                + " (" + System.getProperty("java.vendor", "?") + ")");
        sys.row("java.home", System.getProperty("java.home", "?"));
        sys.row("OS", System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "")
                + " " + System.getProperty("os.arch", "?"));
        sys.row("CPU cores", Integer.toString(rt.availableProcessors()));
        sys.row("max heap", rt.maxMemory() == Long.MAX_VALUE ? "unlimited" : Sizes.human(rt.maxMemory()));
        sys.printBody(out, "");
        out.println();

        out.println("Vector API");
        Table vec = new Table("", "");
        vec.row("preferred species", KernelInfo.preferredSpecies());
        int bits = KernelInfo.preferredBitSize();
        vec.row("bit width", bits == 0 ? "-" : bits + " bits");
        vec.printBody(out, "  ");
        out.println();

        out.println("Backends");
        Table be = new Table("", "", "");
        List<KernelInfo.Backend> backends = KernelInfo.backends();
        for (KernelInfo.Backend b : backends) {
            be.row(b.name(), b.available() ? "available" : "unavailable", b.detail());
        }
        be.printBody(out, "  ");
        out.println();

        String prop = System.getProperty("ocelli.threads");
        out.println(String.format(Locale.ROOT, "Threads  %d (%s)", KernelInfo.threads(),
                prop == null ? "default: available processors; set with -Docelli.threads=N" : "-Docelli.threads=" + prop));
        return Main.EXIT_OK;
    }
}
