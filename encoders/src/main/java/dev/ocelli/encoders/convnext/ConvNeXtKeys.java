package dev.ocelli.encoders.convnext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoint key names of a ConvNeXt trunk, relative to the trunk's prefix:
 *
 * <pre>
 *   layout   stem        stages          layer scale        where
 *   TIMM     stem.{0,1}  stages.S.…      blocks.M.gamma     timm; open_clip under "visual.trunk."
 *   MGM      vision_stem vision_stages   blocks.M.gamma     Mini-Gemini's vision_tower_aux
 *   (either) …           …               blocks.M.weight    LLaVA-HR's copy of timm
 * </pre>
 * Inside a stage: {@code downsample.0} (LayerNorm2d), {@code downsample.1} (conv k2 s2),
 * {@code blocks.M.{conv_dw, norm, mlp.fc1, mlp.fc2}.{weight,bias}}.
 *
 * @param stem       "stem" or "vision_stem"
 * @param stages     "stages" or "vision_stages"
 * @param layerScale "gamma" or "weight"
 */
public record ConvNeXtKeys(String stem, String stages, String layerScale) {

    public static final ConvNeXtKeys TIMM = new ConvNeXtKeys("stem", "stages", "gamma");
    public static final ConvNeXtKeys LLAVA_HR = new ConvNeXtKeys("stem", "stages", "weight");
    public static final ConvNeXtKeys MGM = new ConvNeXtKeys("vision_stem", "vision_stages", "gamma");

    /** Key suffixes that locate a trunk in a checkpoint, for prefix detection. */
    public static final List<String> ANCHORS = List.of("stem.0.weight", "vision_stem.0.weight");

    private static final Pattern BLOCK = Pattern.compile("^(vision_)?stages\\.(\\d+)\\.blocks\\.(\\d+)\\.(.+)$");
    private static final Pattern DOWNSAMPLE = Pattern.compile("^(vision_)?stages\\.(\\d+)\\.downsample\\.1\\.weight$");

    String stem(int i, String p) {
        return stem + "." + i + "." + p;
    }

    String downsample(int s, int i, String p) {
        return stages + "." + s + ".downsample." + i + "." + p;
    }

    String block(int s, int m, String p) {
        return stages + "." + s + ".blocks." + m + "." + p;
    }

    String gamma(int s, int m) {
        return block(s, m, layerScale);
    }

    /** Every key the trunk of {@code cfg} reads, in module order. */
    public List<String> all(ConvNeXtConfig cfg) {
        List<String> out = new ArrayList<>();
        for (String p : List.of("weight", "bias")) {
            out.add(stem(0, p));
        }
        for (String p : List.of("weight", "bias")) {
            out.add(stem(1, p));
        }
        for (int s = 0; s < cfg.stages(); s++) {
            if (s > 0) {
                for (int i = 0; i < 2; i++) {
                    out.add(downsample(s, i, "weight"));
                    out.add(downsample(s, i, "bias"));
                }
            }
            for (int m = 0; m < cfg.depth(s); m++) {
                for (String mod : List.of("conv_dw", "norm", "mlp.fc1", "mlp.fc2")) {
                    out.add(block(s, m, mod + ".weight"));
                    out.add(block(s, m, mod + ".bias"));
                }
                out.add(gamma(s, m));
            }
        }
        return out;
    }

    /**
     * The layout of prefix-stripped {@code keys}: MGM names if {@code vision_stem.0.weight} is
     * there, layer scale {@code weight} if some block has {@code blocks.M.weight} and no
     * {@code gamma}.
     */
    public static ConvNeXtKeys detect(Collection<String> keys) {
        boolean mgm = keys.contains("vision_stem.0.weight");
        boolean gamma = false, weight = false;
        for (String k : keys) {
            Matcher m = BLOCK.matcher(k);
            if (m.matches()) {
                gamma |= m.group(4).equals("gamma");
                weight |= m.group(4).equals("weight");
            }
        }
        String ls = weight && !gamma ? "weight" : "gamma";
        return mgm ? new ConvNeXtKeys("vision_stem", "vision_stages", ls) : new ConvNeXtKeys("stem", "stages", ls);
    }

    /**
     * Depths from the block indices present (stages 0..max, blocks 0..max per stage); dims from
     * {@code shapeOf(stages.S.blocks.0.norm.weight)} (or the downsample conv for empty stages).
     */
    public ConvNeXtConfig infer(Set<String> keys, java.util.function.Function<String, long[]> shapeOf, float eps) {
        TreeMap<Integer, Integer> depth = new TreeMap<>();
        TreeSet<Integer> stagesSeen = new TreeSet<>();
        for (String k : keys) {
            Matcher m = BLOCK.matcher(k);
            if (m.matches() && (m.group(1) != null) == stages.startsWith("vision_")) {
                int s = Integer.parseInt(m.group(2)), b = Integer.parseInt(m.group(3));
                depth.merge(s, b + 1, Math::max);
                stagesSeen.add(s);
            }
            Matcher d = DOWNSAMPLE.matcher(k);
            if (d.matches() && (d.group(1) != null) == stages.startsWith("vision_")) {
                stagesSeen.add(Integer.parseInt(d.group(2)));
            }
        }
        if (!keys.contains(stem(0, "weight"))) {
            throw new IllegalArgumentException("no ConvNeXt stem: key '" + stem(0, "weight") + "' is missing");
        }
        if (stagesSeen.isEmpty()) {
            throw new IllegalArgumentException("no ConvNeXt stages: no key matches '" + stages + ".S.blocks.M.*'");
        }
        int n = stagesSeen.last() + 1;
        int[] depths = new int[n], dims = new int[n];
        long[] stemShape = shapeOf.apply(stem(0, "weight"));
        if (stemShape.length != 4 || stemShape[2] != stemShape[3]) {
            throw new IllegalArgumentException("ConvNeXt stem conv '" + stem(0, "weight") + "' has shape "
                    + java.util.Arrays.toString(stemShape) + ", expected [C, 3, k, k]");
        }
        int downsample = 2;
        for (int s = 0; s < n; s++) {
            depths[s] = depth.getOrDefault(s, 0);
            if (s == 0) {
                dims[s] = (int) stemShape[0];
            } else if (keys.contains(downsample(s, 1, "weight"))) {
                long[] ds = shapeOf.apply(downsample(s, 1, "weight"));
                dims[s] = (int) ds[0];
                if (ds.length == 4) {
                    downsample = (int) ds[2];
                }
            } else if (depths[s] > 0 && keys.contains(block(s, 0, "norm.weight"))) {
                dims[s] = (int) shapeOf.apply(block(s, 0, "norm.weight"))[0];
            } else {
                throw new IllegalArgumentException("cannot infer the width of ConvNeXt stage " + s + ": neither '"
                        + downsample(s, 1, "weight") + "' nor '" + block(s, 0, "norm.weight") + "' is present");
            }
        }
        return new ConvNeXtConfig(depths, dims, Float.isNaN(eps) ? ConvNeXtConfig.impliedEps(null, dims) : eps,
                (int) stemShape[2], downsample, (int) stemShape[1]);
    }
}
