package dev.ocelli.cli;

import dev.ocelli.core.Shapes;
import dev.ocelli.core.Tensor;
import dev.ocelli.core.safetensors.SafetensorsFile;
import dev.ocelli.core.safetensors.SafetensorsWriter;
import dev.ocelli.encoders.convnext.ConvNeXt;
import dev.ocelli.encoders.convnext.ConvNeXtConfig;
import dev.ocelli.encoders.convnext.ConvNeXtFeatures;
import dev.ocelli.encoders.preprocess.ImageDecoder;
import dev.ocelli.encoders.preprocess.ImageProcessor;
import dev.ocelli.encoders.preprocess.ProcessorConfig;
import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VisionTransformer;
import dev.ocelli.encoders.vit.VitConfig;
import dev.ocelli.encoders.vit.VitOptions;
import dev.ocelli.encoders.vit.VitOutput;
import dev.ocelli.encoders.weights.CheckpointWeights;
import dev.ocelli.kernels.parallel.WorkerPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ocelli features}: run one vision encoder on an image (or on ready {@code pixel_values})
 * and write its per-layer outputs to a safetensors file, named and laid out as the PyTorch
 * modules return them, so they can be compared with {@code torch} one to one:
 *
 * <pre>
 *   convnext   stem, stages.{0..3}                       [B, C, H, W]
 *   ViTs       hidden_states.{i} (0 = embeddings), last_hidden_state   [B, tokens, C]
 *   sam        hidden_states.{i} [B, H, W, C], image_embeddings [B, 256, 64, 64]
 * </pre>
 *
 * Without {@code --weights} the encoder gets deterministic synthetic weights (seed 0) and both
 * the output and the file's metadata say so. The output file appears only when everything
 * succeeded (the writer goes through a temporary file and a move).
 */
@Command(name = "features",
        description = {"Run a vision encoder and save its per-layer features (PyTorch names and layouts) to safetensors.",
            "",
            "Input is an image (preprocessed as the model's processor does: preprocessor_config.json next to the"
                + " weights, else the preset's) or a ready pixel_values tensor [B,3,H,W]. Without --weights the"
                + " weights are synthetic (deterministic, seed 0): useful for shapes and timing only.",
            ""},
        footer = {"", "Layers: all (default), last, a negative index (-2 = second to last, as LLaVA's select_layer),"
                + " or a comma list of indices. ConvNeXt: indices are stages (0..3); 'all' adds the stem, and 'stem' selects it.",
            "", "Exit status: 0 ok, 2 bad input (one line on stderr), 1 internal error."})
public final class FeaturesCommand extends OcelliCommand {

    enum Model { clip_vit, internvit, sam, convnext;
        static Model parse(String s) {
            return valueOf(s.replace('-', '_'));
        }
    }

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Encoder family: clip-vit, internvit, sam, convnext.", converter = ModelConverter.class)
    Model model;

    @Option(names = "--preset", paramLabel = "P",
            description = "Named size (clip-vit-l-14-336, internvit-300m-448, sam-vit-l, convnext-large, convnext-xxlarge);"
                    + " default: the family's paper size. With --weights the checkpoint decides where it can.")
    String preset;

    @Option(names = "--weights", paramLabel = "PATH", description = "Checkpoint: model directory or .safetensors file.")
    Path weights;

    @Option(names = "--prefix", paramLabel = "PREFIX",
            description = "Key prefix of the encoder inside the checkpoint (default: detected).")
    String prefix;

    static final class Input {
        @Option(names = "--image", paramLabel = "IMG", description = "An image file (PNG, JPEG, ...).")
        Path image;
        @Option(names = "--pixels", paramLabel = "P.safetensors",
                description = "Preprocessed pixel_values [B,3,H,W] (the tensor named pixel_values, or the file's only tensor).")
        Path pixels;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--out", required = true, paramLabel = "O.safetensors", description = "Output file.")
    Path out;

    @Option(names = "--layers", paramLabel = "SPEC", defaultValue = "all",
            description = "Which layers to save: all, last, -2, or i,j,... (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--image-size", paramLabel = "N",
            description = "ConvNeXt only: shortest edge / center crop for --image without a preprocessor_config.json (default 768).")
    Integer imageSize;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores).")
    Integer threads;

    static final class ModelConverter implements picocli.CommandLine.ITypeConverter<Model> {
        @Override
        public Model convert(String value) {
            try {
                return Model.parse(value.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("unknown model '" + value
                        + "' (clip-vit, internvit, sam, convnext)");
            }
        }
    }

    @Override
    public Integer call() {
        if (threads != null) {
            if (threads < 1) {
                throw new CliException("--threads must be >= 1, got " + threads);
            }
            WorkerPool.shared().setThreads(threads);
        }
        if (weights != null && !Files.exists(weights)) {
            throw new CliException("no such file or directory: " + weights);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CliException("output directory does not exist: " + parent);
        }
        Path in = input.image != null ? input.image : input.pixels;
        if (!Files.isRegularFile(in)) {
            throw new CliException("no such file: " + in);
        }
        Result r = switch (model) {
            case convnext -> convnext();
            case clip_vit -> vit(VitConfig.Family.CLIP, "clip-vit-l-14-336");
            case internvit -> vit(VitConfig.Family.INTERNVIT, "internvit-300m-448");
            case sam -> vit(VitConfig.Family.SAM, "sam-vit-l");
        };
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", model.name().replace('_', '-'));
        meta.put("config", r.config);
        meta.put("weights", r.weightsNote);
        meta.put("input", in.getFileName().toString());
        meta.put("ocelli_version", Main.version());
        SafetensorsWriter.write(out, r.tensors, meta);

        var o = out();
        if (r.synthetic) {
            o.println("note: no --weights given: synthetic weights (seed 0); the features are not meaningful");
        }
        o.println(r.config + "  input " + Shapes.str(r.inputShape) + "  forward " + String.format(Locale.ROOT, "%.0f ms", r.millis));
        for (Map.Entry<String, Tensor> e : r.tensors.entrySet()) {
            o.println("  " + e.getKey() + " " + Shapes.str(e.getValue().shape()));
        }
        o.println("wrote " + r.tensors.size() + " tensors to " + out);
        return 0;
    }

    /** What one encoder run produced. */
    record Result(Map<String, Tensor> tensors, String config, String weightsNote, boolean synthetic, long[] inputShape,
                  double millis) {
    }

    private Result convnext() {
        ConvNeXtConfig cfg = null;
        if (preset != null) {
            try {
                cfg = ConvNeXtConfig.preset(preset);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }
        CheckpointWeights ckpt = null;
        try {
            ConvNeXt net;
            String note;
            if (weights == null) {
                net = ConvNeXt.synthetic(cfg == null ? ConvNeXtConfig.large() : cfg, 0);
                note = "synthetic, seed 0";
            } else {
                ckpt = CheckpointWeights.open(weights);
                float eps = ConvNeXt.impliedEps(weights);
                net = cfg == null ? ConvNeXt.load(ckpt, prefix, eps)
                        : ConvNeXt.load(ckpt, prefix, Float.isNaN(eps) ? cfg : cfg.withEps(eps));
                note = weights.toString();
            }
            Tensor px = pixelValues(() -> {
                Path dir = weights == null ? null : Files.isDirectory(weights) ? weights : weights.toAbsolutePath().getParent();
                if (dir != null && Files.isRegularFile(dir.resolve("preprocessor_config.json"))) {
                    try {
                        return new ImageProcessor(ProcessorConfig.read(dir.resolve("preprocessor_config.json")));
                    } catch (IllegalArgumentException e) {
                        throw new CliException(e.getMessage());
                    }
                }
                return new ImageProcessor(ProcessorConfig.clip(imageSize == null ? 768 : imageSize));
            });
            long t0 = System.nanoTime();
            ConvNeXtFeatures f = net.forward(px);
            double ms = (System.nanoTime() - t0) / 1e6;
            Map<String, Tensor> named = f.named();
            List<String> keep = selectConvNeXt(named.size() - 1);
            Map<String, Tensor> outT = new LinkedHashMap<>();
            for (String k : keep) {
                outT.put(k, named.get(k).contiguous()); // NCHW, as torch returns them
            }
            return new Result(outT, "convnext " + net.config(), note, net.isSynthetic(), px.shape(), ms);
        } finally {
            if (ckpt != null) {
                ckpt.close();
            }
        }
    }

    private Result vit(VitConfig.Family family, String defaultPreset) {
        VitConfig cfg = null;
        if (preset != null) {
            try {
                cfg = VitConfig.preset(preset);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            if (cfg.family() != family) {
                throw new CliException("--preset " + preset + " is a " + cfg.family() + " model, not --model "
                        + model.name().replace('_', '-'));
            }
        }
        VisionTransformer net = null;
        try {
            String note;
            if (weights == null) {
                net = VisionTransformer.synthetic(cfg == null ? VitConfig.preset(defaultPreset) : cfg, 0);
                note = "synthetic, seed 0";
            } else {
                net = VisionTransformer.load(weights, family, cfg, prefix);
                note = weights.toString();
            }
            String processorPreset = preset != null ? preset : defaultPreset;
            Tensor px = pixelValues(() -> {
                Path dir = weights == null ? null : Files.isDirectory(weights) ? weights : weights.toAbsolutePath().getParent();
                try {
                    return dir != null ? ImageProcessor.forCheckpoint(dir, processorPreset) : ImageProcessor.preset(processorPreset);
                } catch (IllegalArgumentException e) {
                    throw new CliException(e.getMessage());
                }
            });
            boolean all = layers.trim().equalsIgnoreCase("all");
            boolean onlyLast = layers.trim().equalsIgnoreCase("last") || layers.trim().equals("-1");
            long t0 = System.nanoTime();
            VitOutput o = net.forward(px, VitOptions.defaults().withKeepHiddenStates(!onlyLast));
            double ms = (System.nanoTime() - t0) / 1e6;
            Map<String, Tensor> outT = new LinkedHashMap<>();
            int n = net.numLayers() + 1; // hidden_states[0..L]
            if (!onlyLast) {
                for (int i : selectIndices(n, all)) {
                    outT.put("hidden_states." + i, o.hiddenStates().get(i).contiguous());
                }
            }
            if (all || onlyLast) {
                outT.put("last_hidden_state", o.lastHiddenState().contiguous());
                if (o.pooledOutput() != null) {
                    outT.put("pooler_output", o.pooledOutput().contiguous());
                }
                if (o.imageEmbeddings() != null) {
                    outT.put("image_embeddings", o.imageEmbeddings().contiguous());
                }
            }
            return new Result(outT, family.name().toLowerCase(Locale.ROOT) + " " + net.config(), note,
                    weights == null, px.shape(), ms);
        } finally {
            if (net != null) {
                net.weights().close();
            }
        }
    }

    /** ViT --layers: indices into hidden_states[0..n-1] (0 = embeddings), negatives from the end. */
    List<Integer> selectIndices(int n, boolean all) {
        LinkedHashSet<Integer> sel = new LinkedHashSet<>();
        if (all) {
            for (int i = 0; i < n; i++) {
                sel.add(i);
            }
            return new ArrayList<>(sel);
        }
        for (String part : layers.toLowerCase(Locale.ROOT).split(",")) {
            String p = part.trim();
            int i;
            if (p.equals("last")) {
                i = n - 1;
            } else {
                try {
                    i = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new CliException("--layers: '" + part + "' is not all, last or a layer index");
                }
                if (i < 0) {
                    i += n;
                }
            }
            if (i < 0 || i >= n) {
                throw new CliException("--layers: layer " + p + " out of range: hidden_states has " + n
                        + " entries (0 = embeddings, " + (n - 1) + " = last; or -1..-" + n + ")");
            }
            sel.add(i);
        }
        return new ArrayList<>(sel);
    }

    /** The --layers selection for ConvNeXt: indices are stages; 'all' is stem + every stage. */
    List<String> selectConvNeXt(int stages) {
        String spec = layers.trim().toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        if (spec.equals("all")) {
            out.add("stem");
            for (int s = 0; s < stages; s++) {
                out.add("stages." + s);
            }
            return out;
        }
        LinkedHashSet<String> sel = new LinkedHashSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.equals("stem")) {
                sel.add("stem");
                continue;
            }
            int i;
            if (p.equals("last")) {
                i = stages - 1;
            } else {
                try {
                    i = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new CliException("--layers: '" + part + "' is not all, last, stem or a stage index");
                }
                if (i < 0) {
                    i += stages;
                }
            }
            if (i < 0 || i >= stages) {
                throw new CliException("--layers: stage " + p + " out of range for a " + stages + "-stage ConvNeXt (0.."
                        + (stages - 1) + " or -1..-" + stages + ")");
            }
            sel.add("stages." + i);
        }
        out.addAll(sel);
        return out;
    }

    /** pixel_values [B,3,H,W]: from --pixels as is, or --image through the processor. */
    private Tensor pixelValues(java.util.function.Supplier<ImageProcessor> processor) {
        if (input.pixels != null) {
            try (SafetensorsFile f = SafetensorsFile.open(input.pixels)) {
                String name = f.contains("pixel_values") ? "pixel_values" : f.names().size() == 1 ? f.names().get(0) : null;
                if (name == null) {
                    throw new CliException(input.pixels + ": no tensor named pixel_values (and more than one tensor: "
                            + String.join(", ", f.names().subList(0, Math.min(5, f.names().size()))) + ")");
                }
                Tensor t = f.tensor(name);
                long[] s = t.shape();
                if (s.length != 4 || s[1] != 3) {
                    throw new CliException(input.pixels + ": " + name + " has shape " + Shapes.str(s) + ", expected [B,3,H,W]");
                }
                return Tensor.of(t.toFloatArray(), s); // own copy: the file is closed below
            }
        }
        RgbImage img = ImageDecoder.read(input.image);
        return processor.get().preprocess(img).toTensor();
    }
}
