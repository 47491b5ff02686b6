package dev.ocelli.cli;

import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsWriter;
import dev.ocelli.fusion.Ocelli;
import dev.ocelli.fusion.pipeline.FusionPipeline;
import dev.ocelli.fusion.pipeline.PipelineResult;
import dev.ocelli.fusion.pipeline.ProgressListener;
import dev.ocelli.kernels.parallel.WorkerPool;
import dev.ocelli.core.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ocelli encode}: one image through one fusion pipeline to the LLM's visual tokens. */
@Command(name = "encode", description = "Run a fusion pipeline (mini-gemini, mini-gemini-hd, llava-hr, eagle, leo) "
        + "on an image and print the per-stage table; optionally write the tokens.")
public final class EncodeCommand extends OcelliCommand {

    @Option(names = "--pipeline", required = true, description = "mini-gemini, mini-gemini-hd, llava-hr, eagle or leo.")
    String pipeline;

    static final class Input {
        @Option(names = "--image", description = "An image file (PNG, JPEG, ...).")
        Path image;

        @Option(names = "--pixels", description = "A safetensors file with preprocessed 'pixel_values' [1,3,H,W] "
                + "(as 'features' takes); for leo the InternViT tiles [T,3,448,448] (ImageNet mean/std), the SAM "
                + "input is resized from them.")
        Path pixels;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--weights", description = "Checkpoint file or directory in the project's released key layout "
            + "(default: synthetic weights). Repeat it to compose: the encoder checkpoints in tower order, then the "
            + "fusion-weights file.")
    java.util.List<Path> weights;

    @Option(names = "--out", description = "Write the tokens (and pipeline metadata) to this .safetensors file.")
    Path out;

    @Option(names = "--threads", description = "Worker threads (default: available processors).")
    Integer threads;

    @Option(names = "--llm-hidden", defaultValue = "4096", description = "Projector width for synthetic weights (default: ${DEFAULT-VALUE}).")
    int llmHidden;

    @Option(names = "--max-tiles", defaultValue = "6", description = "LEO's dynamic tiling max_num (default: ${DEFAULT-VALUE}).")
    int maxTiles;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    @SuppressWarnings("try") // progress is closed early on purpose: the bar's last line must end before the report
    public Integer call() throws Exception {
        if (threads != null) {
            if (threads < 1) {
                throw new CliException("--threads must be at least 1, got " + threads);
            }
            WorkerPool.shared().setThreads(threads);
        }
        if (out != null && out.toAbsolutePath().getParent() != null && !Files.isDirectory(out.toAbsolutePath().getParent())) {
            throw new CliException("--out directory does not exist: " + out.toAbsolutePath().getParent());
        }
        if (input.image != null && !Files.isRegularFile(input.image)) {
            throw new CliException("no such image file: " + input.image);
        }
        if (input.pixels != null && !Files.isRegularFile(input.pixels)) {
            throw new CliException("no such pixels file: " + input.pixels);
        }
        if (!Ocelli.pipelines().contains(pipeline)) {
            throw new CliException("unknown pipeline '" + pipeline + "' (" + String.join(", ", Ocelli.pipelines()) + ")");
        }
        Ocelli.Options opts = Ocelli.Options.defaults().withLlmHidden(llmHidden).withMaxTiles(maxTiles);
        if (weights != null) {
            for (Path w : weights) {
                if (!Files.exists(w)) {
                    throw new CliException("no such weights file or directory: " + w);
                }
            }
        }
        try (LiveHeap live = new LiveHeap();
             TerminalProgress progress = TerminalProgress.open();
             FusionPipeline p = weights == null || weights.isEmpty() ? Ocelli.pipeline(pipeline, opts, progress)
                : weights.size() == 1 ? Ocelli.pipeline(pipeline, opts.withCheckpoint(weights.get(0)), progress)
                : Ocelli.compose(pipeline, weights.subList(0, weights.size() - 1), weights.get(weights.size() - 1), opts)) {
            PipelineResult r;
            String what;
            if (input.image != null) {
                r = p.encode(input.image, progress);
                what = input.image.toString();
            } else {
                r = encodePixels(p, input.pixels, progress);
                what = input.pixels + (p.name().equals("leo") ? " (InternViT tiles)" : " (pixel_values)");
            }
            progress.close(); // the bar's last line ends before the report starts
            if (json) {
                PipelineReport.printJson(out(), p, r, what, live.maxAfterGcBytes());
            } else {
                PipelineReport.print(out(), p, r, what, live.maxAfterGcBytes());
            }
            if (out != null) {
                write(out, p, r);
                if (!json) {
                    out().println("Wrote     " + out);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        return Main.EXIT_OK;
    }

    static PipelineResult encodePixels(FusionPipeline p, Path file, ProgressListener progress) {
        if (!Files.isRegularFile(file)) {
            throw new CliException("no such pixels file: " + file);
        }
        Tensor px;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            // as 'features' reads it: the tensor named pixel_values, or the file's only tensor
            String name = f.contains("pixel_values") ? "pixel_values" : f.names().size() == 1 ? f.names().get(0) : null;
            if (name == null) {
                throw new CliException(file + " has no tensor 'pixel_values' (it has " + f.names() + ")");
            }
            Tensor t = f.tensor(name);
            px = Tensor.of(t.toFloatArray(), t.shape()); // a heap copy: the file is closed before the run
        }
        return p.encodePixels(px, progress);
    }

    /** Tokens plus metadata; the writer renames a finished temp file, so no partial --out is left. */
    static void write(Path out, FusionPipeline p, PipelineResult r) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("pipeline", p.name());
        meta.put("synthetic_weights", String.valueOf(p.isSynthetic()));
        meta.putAll(r.info());
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("tokens", r.tokens());
        SafetensorsWriter.write(out, t, meta);
    }
}
