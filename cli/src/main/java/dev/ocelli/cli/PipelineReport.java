package dev.ocelli.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ocelli.core.Shapes;
import dev.ocelli.fusion.pipeline.FusionPipeline;
import dev.ocelli.fusion.pipeline.PipelineResult;
import dev.ocelli.fusion.pipeline.StageTiming;
import dev.ocelli.kernels.KernelInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import java.util.Map;

/** The stage table that {@code encode} and {@code demo} print, as text or JSON. */
final class PipelineReport {

    private PipelineReport() {
    }

    /** Sum of the heap pools' peak usage since the JVM started (what the run needed at most). */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** {@code liveHeap}: {@link LiveHeap#maxAfterGcBytes()} over the command (load and run). */
    static void print(PrintWriter out, FusionPipeline p, PipelineResult r, String input, long liveHeap) {
        out.println("Pipeline  " + p.name() + "   input " + input);
        out.println("Weights   " + String.join("; ", p.describeWeights()));
        out.println();
        Table t = new Table("stage", "shape", ">GFLOP", ">ms", ">GFLOP/s");
        for (StageTiming s : r.stages()) {
            t.row(s.name(), Shapes.str(s.shape()), fmt("%.2f", s.gflop()), fmt("%.1f", s.millis()),
                    s.gflop() > 0 ? fmt("%.1f", s.gflopPerSecond()) : "-");
        }
        t.row("total", "", fmt("%.2f", r.totalGflop()), fmt("%.1f", r.totalMillis()),
                fmt("%.1f", r.totalGflop() / (r.totalMillis() / 1e3)));
        t.print(out, "  ");
        out.println();
        out.println("Tokens    " + r.tokenCount() + "   shape " + Shapes.str(r.tokens().shape()));
        for (Map.Entry<String, String> e : r.info().entrySet()) {
            out.println("          " + e.getKey() + " = " + e.getValue());
        }
        out.println(fmt("Peak heap %.2f GiB in use, %s", peakHeapBytes() / (double) (1L << 30), liveHeap > 0
                ? fmt("%.2f GiB live (largest after a GC)", liveHeap / (double) (1L << 30)) : "no GC ran"));
        out.println("Backend   " + KernelInfo.gemmBackendLine() + ", " + KernelInfo.threads() + " threads");
    }

    static void printJson(PrintWriter out, FusionPipeline p, PipelineResult r, String input, long liveHeap)
            throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("pipeline", p.name());
            g.writeStringField("input", input);
            g.writeBooleanField("synthetic_weights", p.isSynthetic());
            g.writeArrayFieldStart("stages");
            for (StageTiming s : r.stages()) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                g.writeArrayFieldStart("shape");
                for (long d : s.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeNumberField("gflop", s.gflop());
                g.writeNumberField("ms", s.millis());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("tokens", r.tokenCount());
            g.writeNumberField("hidden", r.tokens().size(1));
            g.writeObjectFieldStart("info");
            for (Map.Entry<String, String> e : r.info().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("peak_heap_bytes", peakHeapBytes());
            g.writeNumberField("live_heap_bytes", liveHeap);
            g.writeStringField("backend", KernelInfo.gemmBackendLine());
            g.writeNumberField("threads", KernelInfo.threads());
            g.writeEndObject();
        }
        out.println();
        out.flush();
    }

    private static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }
}
