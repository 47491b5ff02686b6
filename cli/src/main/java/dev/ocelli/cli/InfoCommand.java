package dev.ocelli.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ocelli.kernels.KernelInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Stream;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ocelli info}: what this JVM and machine give Ocelli. Everything here is read from the
 * running JVM; the backend lines come from {@link KernelInfo}, the same probe backend selection
 * uses, so what it prints is what the kernels will do.
 */
@Command(name = "info", description = "Show the JDK, Vector API species, kernel backends and threads.")
public final class InfoCommand extends OcelliCommand {

    @Option(names = "--json", description = "Machine-readable output (one JSON object).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (json) {
            printJson();
            return Main.EXIT_OK;
        }
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
        String cpu = cpuDescription();
        if (cpu != null) {
            sys.row("CPU", cpu);
        }
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

    private void printJson() throws IOException {
        Runtime rt = Runtime.getRuntime();
        try (JsonGenerator g = new JsonFactory().createGenerator(out())) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("ocelli_version", Main.version());
            g.writeObjectFieldStart("jdk");
            g.writeStringField("version", System.getProperty("java.runtime.version", Runtime.version().toString()));
            g.writeStringField("vendor", System.getProperty("java.vendor"));
            g.writeStringField("home", System.getProperty("java.home"));
            g.writeEndObject();
            g.writeObjectFieldStart("os");
            g.writeStringField("name", System.getProperty("os.name"));
            g.writeStringField("version", System.getProperty("os.version"));
            g.writeStringField("arch", System.getProperty("os.arch"));
            g.writeEndObject();
            g.writeStringField("cpu", cpuDescription());
            g.writeNumberField("cores", rt.availableProcessors());
            g.writeNumberField("max_heap_bytes", rt.maxMemory());
            g.writeObjectFieldStart("vector");
            g.writeStringField("preferred_species", KernelInfo.preferredSpecies());
            g.writeNumberField("bit_width", KernelInfo.preferredBitSize());
            g.writeEndObject();
            g.writeArrayFieldStart("backends");
            for (KernelInfo.Backend b : KernelInfo.backends()) {
                g.writeStartObject();
                g.writeStringField("name", b.name());
                g.writeBooleanField("available", b.available());
                g.writeStringField("detail", b.detail());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("threads", KernelInfo.threads());
            g.writeEndObject();
        }
        out().println();
        out().flush();
    }

    /** SIMD features that matter to the kernels, in the order a reader compares them. */
    private static final List<String> SIMD_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "f16c",
            "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx512_fp16");

    /**
     * "AMD EPYC (avx2 fma avx512f ...)" from /proc/cpuinfo on Linux, so a user can see why the
     * preferred species is what it is; null elsewhere or when the file cannot be read.
     */
    static String cpuDescription() {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return null;
        }
        try (Stream<String> lines = Files.lines(info)) {
            String model = null;
            Set<String> flags = null;
            for (String line : (Iterable<String>) lines::iterator) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    if (model != null && flags != null) {
                        break; // first processor block is enough
                    }
                    continue;
                }
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (key.equals("model name") && model == null) {
                    model = value;
                } else if (key.equals("flags") && flags == null) {
                    flags = new HashSet<>(Arrays.asList(value.split("\\s+")));
                }
            }
            if (model == null && flags == null) {
                return null;
            }
            StringBuilder sb = new StringBuilder(model == null ? "?" : model);
            if (flags != null) {
                StringJoiner j = new StringJoiner(" ", " (", ")");
                j.setEmptyValue("");
                for (String f : SIMD_FLAGS) {
                    if (flags.contains(f)) {
                        j.add(f);
                    }
                }
                sb.append(j);
            }
            return sb.toString();
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }
}
