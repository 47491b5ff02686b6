package dev.ocelli.encoders.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ocelli.testdata.ReferenceCase;
import dev.ocelli.testdata.Tolerance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClipProcessorTest {

    /** HF CLIPImageProcessor: resize shortest edge (PIL bicubic) + center crop, compared byte for byte. */
    @ParameterizedTest
    @CsvSource({"coffee,336", "portrait,336", "panorama,336", "chelsea,224", "rocket,224", "tiny,224",
            "sliver,224", "grey,224", "palette,224", "rgba,224"})
    void resizeAndCropMatchPil(String stem, int n) {
        ImageProcessor p = new ImageProcessor(ProcessorConfig.clip(n));
        RgbImage in = Ref.image(stem + ".png");
        Map<String, String> meta;
        try (ReferenceCase f = Ref.load("clip")) {
            meta = f.metadata();
        }
        String key = "clip" + n + "_" + stem;
        String[] hw = meta.get(key).split(",");
        assertThat(p.resize(in)).extracting(RgbImage::height, RgbImage::width)
                .containsExactly(Integer.parseInt(hw[0]), Integer.parseInt(hw[1]));
        Ref.assertSameImage(key, Ref.expected(key), p.resizeAndCrop(in));
    }

    /** LLaVA's expand2square with the mean colour, then the CLIP processor. */
    @ParameterizedTest
    @CsvSource({"panorama", "portrait", "chelsea"})
    void llavaPadToSquareMatchesPil(String stem) {
        ImageProcessor p = ImageProcessor.preset("clip-vit-l-14-336");
        RgbImage square = ImageOps.expandToSquare(Ref.image(stem + ".png"), p.config().imageMean());
        assertThat(square.width()).isEqualTo(square.height());
        Ref.assertSameImage("clip336pad_" + stem, Ref.expected("clip336pad_" + stem), p.resizeAndCrop(square));
    }

    @Test
    void meanColourIsLlavas() {
        try (ReferenceCase f = Ref.load("clip")) {
            String[] c = f.metadata().get("mean_colour").split(",");
            int[] expected = {Integer.parseInt(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2])};
            assertThat(ImageOps.meanColour(ProcessorConfig.OPENAI_CLIP_MEAN)).containsExactly(expected);
            assertThat(expected).containsExactly(122, 116, 104);
        }
    }

    /** The final normalised pixel_values against HF's float64-rescale / float32-normalise. */
    @ParameterizedTest
    @CsvSource({"chelsea", "tiny"})
    void pixelValuesMatchHf(String stem) {
        ImageProcessor p = ImageProcessor.preset("clip-vit-l-14");
        ImageProcessor.Processed out = p.preprocess(Ref.image(stem + ".png"));
        assertThat(out.shape()).containsExactly(3, 224, 224);
        try (ReferenceCase f = Ref.load("clip")) {
            float[] expected = Ref.f32(f, "clip224_" + stem + ".pixel_values");
            Tolerance.assertClose("clip224 " + stem, expected, out.pixelValues(), 0, 0); // bitwise
        }
        assertThat(out.originalHeight()).isEqualTo(Ref.image(stem + ".png").height());
    }

    @Test
    void tensorsWrapThePixelValues() {
        ImageProcessor p = ImageProcessor.preset("clip-vit-l-14");
        RgbImage a = Ref.image("tiny.png"), b = Ref.image("chelsea.png");
        dev.ocelli.core.Tensor one = p.preprocess(a).toTensor();
        assertThat(one.shape()).containsExactly(1, 3, 224, 224);
        dev.ocelli.core.Tensor batch = p.pixelValues(List.of(a, b));
        assertThat(batch.shape()).containsExactly(2, 3, 224, 224);
        float[] all = batch.toFloatArray();
        float[] pb = p.preprocess(b).pixelValues();
        assertThat(java.util.Arrays.copyOfRange(all, pb.length, 2 * pb.length)).isEqualTo(pb);
        assertThat(one.get(0, 2, 100, 7)).isEqualTo(all[(2 * 224 + 100) * 224 + 7]);
        ImageProcessor noCrop = new ImageProcessor(ProcessorConfig.parse("{\"do_center_crop\": false}", "x"));
        assertThatThrownBy(() -> noCrop.pixelValues(List.of(a, b))).hasMessageContaining("cannot batch");
    }

    @Test
    void outputSizeRules() {
        // transformers: shortest edge -> n, longest -> int(n * long / short), truncated
        assertThat(ImageOps.shortestEdgeSize(400, 600, 336)).containsExactly(336, 504);
        assertThat(ImageOps.shortestEdgeSize(300, 451, 336)).containsExactly(336, 505); // 505.12
        assertThat(ImageOps.shortestEdgeSize(5, 7, 224)).containsExactly(224, 313);    // 313.6 truncated
        assertThat(ImageOps.shortestEdgeSize(400, 3, 224)).containsExactly(29866, 224);
        assertThat(ImageOps.shortestEdgeSize(336, 336, 336)).containsExactly(336, 336);
        // SAM: int(side * 1024 / long + 0.5)
        assertThat(ImageOps.longestEdgeSize(300, 451, 1024)).containsExactly(681, 1024); // 681.15
        assertThat(ImageOps.longestEdgeSize(5, 7, 1024)).containsExactly(731, 1024);     // 731.43
    }

    @Test
    void centerCropPadsLikeHfWhenTooSmall() {
        // 3 wide, 2 high into 5 x 4: zero canvas, image at ceil((4-2)/2)=1, ceil((5-3)/2)=1
        RgbImage img = RgbImage.filled(3, 2, 9, 9, 9);
        RgbImage out = ImageOps.centerCrop(img, 4, 5);
        assertThat(out.width()).isEqualTo(5);
        assertThat(out.height()).isEqualTo(4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                int v = (y >= 1 && y < 3 && x >= 1 && x < 4) ? 9 : 0;
                assertThat(out.get(x, y, 0)).as("(%d,%d)", x, y).isEqualTo(v);
            }
        }
        // odd excess: top = (7 - 4) // 2 = 1
        RgbImage tall = new RgbImage(1, 7, new byte[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6});
        assertThat(ImageOps.centerCrop(tall, 4, 1).get(0, 0, 0)).isEqualTo(1);
    }

    @Test
    void readsPreprocessorConfigJson(@TempDir Path dir) throws IOException {
        // openai/clip-vit-large-patch14-336 as shipped (older int style)
        String old = """
                {"crop_size": 336, "do_center_crop": true, "do_normalize": true, "do_resize": true,
                 "feature_extractor_type": "CLIPFeatureExtractor",
                 "image_mean": [0.48145466, 0.4578275, 0.40821073],
                 "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "size": 336}""";
        ProcessorConfig c = ProcessorConfig.parse(old, "old.json");
        assertThat(c.size()).isEqualTo(new ProcessorConfig.ShortestEdge(336));
        assertThat(c.cropHeight()).isEqualTo(336);
        assertThat(c.cropWidth()).isEqualTo(336);
        assertThat(c.resample()).isEqualTo(PilResize.Filter.BICUBIC);
        assertThat(c.imageMean()).containsExactly(ProcessorConfig.OPENAI_CLIP_MEAN);
        assertThat(c.rescaleFactor()).isEqualTo(1.0 / 255);
        assertThat(c).isEqualTo(ProcessorConfig.preset("clip-vit-l-14-336")); // the shipped file is the preset
        assertThat(c.toString()).contains("ShortestEdge[edge=336]").contains("336x336");
        // newer dict style
        String dict = """
                {"crop_size": {"height": 224, "width": 200}, "do_rescale": false,
                 "image_processor_type": "CLIPImageProcessor", "rescale_factor": 0.00392156862745098,
                 "size": {"shortest_edge": 224}, "do_convert_rgb": true, "unknown": {"a": [1, 2]}}""";
        ProcessorConfig d = ProcessorConfig.parse(dict, "dict.json");
        assertThat(d.size()).isEqualTo(new ProcessorConfig.ShortestEdge(224));
        assertThat(d.cropWidth()).isEqualTo(200);
        assertThat(d.doRescale()).isFalse();
        // SAM: int size means longest edge; defaults to bilinear and pad 1024
        String sam = """
                {"image_processor_type": "SamImageProcessor", "size": {"longest_edge": 1024},
                 "pad_size": {"height": 1024, "width": 1024}, "resample": 2, "do_pad": true}""";
        ProcessorConfig s = ProcessorConfig.parse(sam, "sam.json");
        assertThat(s.size()).isEqualTo(new ProcessorConfig.LongestEdge(1024));
        assertThat(s.resample()).isEqualTo(PilResize.Filter.BILINEAR);
        assertThat(s.doPad()).isTrue();
        assertThat(s.imageMean()).containsExactly(ProcessorConfig.IMAGENET_MEAN);
        assertThat(ProcessorConfig.parse("{\"image_processor_type\": \"SamImageProcessor\", \"size\": 512}", "x").size())
                .isEqualTo(new ProcessorConfig.LongestEdge(512));
        // exact height/width
        assertThat(ProcessorConfig.parse("{\"size\": {\"height\": 448, \"width\": 448}}", "x").size())
                .isEqualTo(new ProcessorConfig.Exact(448, 448));

        assertThatThrownBy(() -> ProcessorConfig.parse("{\"size\": ", "broken.json"))
                .hasMessageStartingWith("broken.json: invalid JSON");
        assertThatThrownBy(() -> ProcessorConfig.parse("{\"resample\": 0}", "n.json")).hasMessageContaining("NEAREST");
        assertThatThrownBy(() -> ProcessorConfig.parse("{\"size\": {\"foo\": 1}}", "s.json"))
                .hasMessageContaining("s.json").hasMessageContaining("shortest_edge");

        // a checkpoint directory with and without the file
        assertThat(ProcessorConfig.forCheckpoint(dir, "clip-vit-l-14-336").size())
                .isEqualTo(new ProcessorConfig.ShortestEdge(336));
        Files.writeString(dir.resolve("preprocessor_config.json"), dict);
        assertThat(ProcessorConfig.forCheckpoint(dir, "clip-vit-l-14-336").cropWidth()).isEqualTo(200);
        assertThatThrownBy(() -> ProcessorConfig.preset("clip-h")).hasMessageContaining("clip-vit-l-14-336");
    }

    @Test
    void sharedProcessorIsThreadSafe() throws Exception {
        ImageProcessor p = ImageProcessor.preset("clip-vit-l-14-336");
        RgbImage img = Ref.image("coffee.png");
        float[] serial = p.preprocessPadded(img).pixelValues();
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(ex.submit(() -> p.preprocessPadded(img).pixelValues()));
            }
            for (Future<float[]> f : fs) {
                assertThat(f.get()).isEqualTo(serial);
            }
        } finally {
            ex.shutdown();
        }
    }
}
