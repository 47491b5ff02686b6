package dev.ocelli.fusion.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.vit.VitConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress each pipeline reports: per tower while loading, per stage (LEO: per tile) while encoding. */
class ProgressTest {

    record Event(String phase, String step, long done, long total) {
    }

    static final class Log implements ProgressListener {
        final List<Event> events = new ArrayList<>();

        @Override
        public void update(String phase, String step, long done, long total) {
            events.add(new Event(phase, step, done, total));
        }

        List<Event> phase(String phase) {
            return events.stream().filter(e -> e.phase().equals(phase)).toList();
        }

        /** Starts at 0, ends at total, never goes back, every unit announced once before and once after. */
        void assertWellFormed(String phase, long units) {
            List<Event> ev = phase(phase);
            assertThat(ev).as(phase).hasSize((int) (2 * units));
            assertThat(ev.get(0).done()).isZero();
            assertThat(ev.get(ev.size() - 1).done()).isEqualTo(units);
            for (int i = 0; i < ev.size(); i++) {
                Event e = ev.get(i);
                assertThat(e.total()).as("%s event %d total", phase, i).isEqualTo(units);
                assertThat(e.done()).as("%s event %d done", phase, i).isEqualTo((i + 1) / 2);
                if (i % 2 == 1) {
                    assertThat(e.step()).isEqualTo(ev.get(i - 1).step());
                }
            }
        }

        /** The step names of the finished units of {@code phase}. */
        List<String> finished(String phase) {
            List<Event> ev = phase(phase);
            List<String> out = new ArrayList<>();
            for (int i = 1; i < ev.size(); i += 2) {
                out.add(ev.get(i).step());
            }
            return out;
        }
    }

    @Test
    void miniGeminiReportsTowersThenStages() {
        Log log = new Log();
        var cfg = new MiniGemini.Config(MiniGeminiTest.tinyClip(), MiniGeminiTest.tinyConvNeXt(), 16, 32, 1, 24);
        try (MiniGemini p = MiniGemini.synthetic(cfg, 7, log)) {
            log.assertWellFormed("load", 3);
            assertThat(log.finished("load")).containsExactly("clip", "convnext", "fusion");
            PipelineResult r = p.encode(RgbImage.filled(40, 30, 120, 60, 200), log);
            List<String> stages = r.stages().stream().map(StageTiming::name).toList();
            log.assertWellFormed("encode", stages.size());
            assertThat(log.finished("encode")).isEqualTo(stages);

            // from pixels: the same without the preprocessing stage, counted from zero again
            Log px = new Log();
            p.encodePixels(dev.ocelli.core.Tensor.zeros(1, 3, 32, 32), px);
            px.assertWellFormed("encode", stages.size() - 1);
        }
    }

    @Test
    void eagleAndLlavaHrCountEveryStage() {
        Log log = new Log();
        var eagle = new Eagle.Config(LlavaHrTest.tinyClip(), MiniGeminiTest.tinyConvNeXt(),
                EagleLeoTest.tinySam(VitConfig.Neck.SHORT), 64, 16, 8, 24);
        try (Eagle p = Eagle.synthetic(eagle, 5, log)) {
            log.assertWellFormed("load", 4);
            PipelineResult r = p.encode(RgbImage.filled(64, 48, 90, 90, 90), log);
            log.assertWellFormed("encode", r.stages().size());
        }
        Log hr = new Log();
        var llava = new LlavaHr.Config(LlavaHrTest.tinyClip(), MiniGeminiTest.tinyConvNeXt(), 128, 32, 24);
        try (LlavaHr p = LlavaHr.synthetic(llava, 3, hr)) {
            hr.assertWellFormed("load", 3);
            PipelineResult r = p.encode(RgbImage.filled(100, 128, 10, 200, 30), hr);
            hr.assertWellFormed("encode", r.stages().size());
            assertThat(hr.finished("encode")).isEqualTo(r.stages().stream().map(StageTiming::name).toList());
        }
    }

    @Test
    void leoCountsEachTileOfBothEncoders() {
        Log log = new Log();
        var cfg = new Leo.Config(EagleLeoTest.tinyInternVit(), EagleLeoTest.tinySam(VitConfig.Neck.FULL), 16, 32, 6, 24);
        try (Leo p = Leo.synthetic(cfg, 9, log)) {
            log.assertWellFormed("load", 3);
            assertThat(log.finished("load")).containsExactly("internvit", "sam", "fusion");
            p.encode(RgbImage.filled(48, 32, 200, 10, 10), log); // 3x2 grid + thumbnail = 7 tiles
            log.assertWellFormed("encode", 5 + 2 * 7);
            List<String> done = log.finished("encode");
            assertThat(done).startsWith("preprocess-internvit", "preprocess-sam", "internvit tile 1/7");
            assertThat(done).contains("internvit tile 7/7", "mlp1", "sam tile 1/7", "sam tile 7/7", "mlp2");
            assertThat(done).endsWith("interleave");
        }
    }
}
