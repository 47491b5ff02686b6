package dev.ocelli.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ocelli.core.DType;
import dev.ocelli.core.safetensors.SafetensorsCheckpoint;
import dev.ocelli.core.safetensors.SafetensorsFile;
import dev.ocelli.core.safetensors.TensorInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ocelli inspect}: the header of a safetensors file or model directory, in the spirit of
 * the safetensors and gguf dump tools. Only headers are read (the files are mapped, never
 * loaded), so inspecting a multi-GB checkpoint is instant. The file is validated exactly as
 * loading it would be, so a malformed file is reported here with the same one-line message.
 */
@Command(name = "inspect",
        description = {"List the tensors and __metadata__ of a safetensors file or model directory.",
            "",
            "Each tensor shows name, dtype, shape, element count and bytes. A directory is read through"
                + " model.safetensors.index.json (then the shard of each tensor is shown), else model.safetensors,"
                + " else its only *.safetensors file. Only headers are read; the file is validated as loading would.",
            ""},
        footer = {"", "Exit status: 0 ok, 2 missing or malformed file (one line on stderr)."})
public final class InspectCommand extends OcelliCommand {

    enum Sort { name, offset }

    @Parameters(paramLabel = "PATH", description = "A .safetensors file, an index .json, or a model directory.")
    Path path;

    @Option(names = "--json", description = "Machine-readable output (one JSON object).")
    boolean json;

    @Option(names = "--sort", paramLabel = "ORDER",
            description = "Tensor order: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; name sorts layer numbers numerically).",
            defaultValue = "name")
    Sort sort;

    @Option(names = "--full", description = "Do not shorten long metadata values.")
    boolean full;

    /** One listed tensor with the file that holds it. */
    record Row(TensorInfo info, Path file) {}

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(path)) {
            throw new CliException("no such file or directory: " + path);
        }
        if (!Files.isDirectory(path) && !Files.isReadable(path)) {
            throw new CliException("permission denied: " + path);
        }
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(path)) {
            List<Row> rows = new ArrayList<>();
            for (SafetensorsFile f : ck.files()) {
                for (TensorInfo t : f.tensors()) {
                    rows.add(new Row(t, f.path()));
                }
            }
            if (sort == Sort.name) {
                rows.sort(Comparator.comparing((Row r) -> r.info().name(), InspectCommand::naturalCompare));
            }
            if (json) {
                printJson(ck, rows);
            } else {
                printText(ck, rows);
            }
        }
        return Main.EXIT_OK;
    }

    private void printText(SafetensorsCheckpoint ck, List<Row> rows) throws IOException {
        PrintWriter out = out();
        List<SafetensorsFile> files = ck.files();
        boolean sharded = files.size() > 1;
        Table head = new Table("", "");
        head.row("path", path.toString());
        if (Files.isDirectory(path) || sharded) {
            head.row("files", files.size() + (Files.exists(dir().resolve(SafetensorsCheckpoint.INDEX_NAME))
                    ? " (" + SafetensorsCheckpoint.INDEX_NAME + ")" : ""));
        }
        for (SafetensorsFile f : files) {
            long size = Files.size(f.path());
            head.row(sharded || Files.isDirectory(path) ? "  " + dir().relativize(f.path()) : "size",
                    Sizes.human(size) + " (header " + Sizes.grouped(f.header().headerLength()) + " B, data "
                            + Sizes.grouped(f.header().dataLength()) + " B, " + tensors(f.tensors().size()) + ")");
        }
        head.printBody(out, "");

        printMap(out, "__metadata__", ck.metadata());
        if (!ck.indexMetadata().isEmpty()) {
            printMap(out, "index metadata", ck.indexMetadata());
        }

        out.println();
        Table t = sharded
                ? new Table("name", "dtype", "shape", ">elements", ">bytes", "shard")
                : new Table("name", "dtype", "shape", ">elements", ">bytes");
        long elements = 0;
        long bytes = 0;
        Map<DType, long[]> byDtype = new EnumMap<>(DType.class); // {tensors, bytes}
        for (Row r : rows) {
            TensorInfo i = r.info();
            String shape = shapeStr(i.shape());
            if (sharded) {
                t.row(printable(i.name()), i.dtype().name(), shape, Sizes.grouped(i.numel()),
                        Sizes.grouped(i.byteSize()), r.file().getFileName().toString());
            } else {
                t.row(printable(i.name()), i.dtype().name(), shape, Sizes.grouped(i.numel()),
                        Sizes.grouped(i.byteSize()));
            }
            elements += i.numel();
            bytes += i.byteSize();
            long[] acc = byDtype.computeIfAbsent(i.dtype(), d -> new long[2]);
            acc[0]++;
            acc[1] += i.byteSize();
        }
        t.print(out, "");
        out.println();
        out.println("total: " + tensors(rows.size()) + ", " + Sizes.grouped(elements) + " elements, "
                + Sizes.grouped(bytes) + " bytes (" + Sizes.human(bytes) + ")");
        if (!byDtype.isEmpty()) {
            StringBuilder sb = new StringBuilder("by dtype:");
            String sep = " ";
            for (Map.Entry<DType, long[]> e : byDtype.entrySet()) {
                sb.append(sep).append(e.getKey()).append(' ').append(tensors(e.getValue()[0])).append(' ')
                        .append(Sizes.human(e.getValue()[1]));
                sep = ", ";
            }
            out.println(sb);
        }
    }

    private void printMap(PrintWriter out, String title, Map<String, String> m) {
        out.println();
        if (m.isEmpty()) {
            out.println(title + ": (none)");
            return;
        }
        out.println(title);
        Table t = new Table("", "");
        m.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> t.row(printable(e.getKey()), shorten(printable(e.getValue()))));
        t.printBody(out, "  ");
    }

    private void printJson(SafetensorsCheckpoint ck, List<Row> rows) throws IOException {
        Writer w = out();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("path", path.toString());
            g.writeArrayFieldStart("files");
            for (SafetensorsFile f : ck.files()) {
                g.writeStartObject();
                g.writeStringField("path", f.path().toString());
                g.writeNumberField("bytes", Files.size(f.path()));
                g.writeNumberField("header_bytes", f.header().headerLength());
                g.writeNumberField("tensors", f.tensors().size());
                g.writeEndObject();
            }
            g.writeEndArray();
            writeMap(g, "metadata", ck.metadata());
            writeMap(g, "index_metadata", ck.indexMetadata());
            long elements = 0;
            long bytes = 0;
            g.writeArrayFieldStart("tensors");
            for (Row r : rows) {
                TensorInfo i = r.info();
                g.writeStartObject();
                g.writeStringField("name", i.name());
                g.writeStringField("dtype", i.dtype().name());
                g.writeArrayFieldStart("shape");
                for (long d : i.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeNumberField("elements", i.numel());
                g.writeNumberField("bytes", i.byteSize());
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(i.begin());
                g.writeNumber(i.end());
                g.writeEndArray();
                g.writeStringField("file", r.file().getFileName().toString());
                g.writeEndObject();
                elements += i.numel();
                bytes += i.byteSize();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("total");
            g.writeNumberField("tensors", rows.size());
            g.writeNumberField("elements", elements);
            g.writeNumberField("bytes", bytes);
            g.writeEndObject();
            g.writeEndObject();
        }
        out().println();
        out().flush();
    }

    private static void writeMap(JsonGenerator g, String field, Map<String, String> m) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(m).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private Path dir() {
        return Files.isDirectory(path) ? path : (path.toAbsolutePath().getParent());
    }

    private String shorten(String s) {
        final int max = 100;
        if (full || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "... (" + s.length() + " chars, --full shows all)";
    }

    private static String tensors(long n) {
        return n == 1 ? "1 tensor" : Sizes.grouped(n) + " tensors";
    }

    static String shapeStr(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /** Header strings are untrusted: keep each on one line. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** "layers.2.x" before "layers.10.x": runs of digits compare by value. */
    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }
}
