package dev.ocelli.cli;

import dev.ocelli.encoders.preprocess.RgbImage;
import dev.ocelli.encoders.preprocess.SampleImage;
import dev.ocelli.fusion.Ocelli;
import dev.ocelli.fusion.pipeline.FusionPipeline;
import dev.ocelli.fusion.pipeline.PipelineResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ocelli demo}: mini-gemini on the bundled sample photo with synthetic weights. */
@Command(name = "demo", description = "Run mini-gemini (synthetic weights) on the bundled sample photo and print "
        + "the per-stage table.")
public final class DemoCommand extends OcelliCommand {

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    @SuppressWarnings("try") // progress is closed early on purpose: the bar's last line must end before the report
    public Integer call() throws Exception {
        RgbImage img = SampleImage.load();
        String what = "bundled sample photo " + img.width() + "x" + img.height();
        try (LiveHeap live = new LiveHeap();
             TerminalProgress progress = TerminalProgress.open();
             FusionPipeline p = Ocelli.pipeline("mini-gemini", Ocelli.Options.defaults(), progress)) {
            PipelineResult r = p.encode(img, progress);
            progress.close(); // the bar's last line ends before the report starts
            if (json) {
                PipelineReport.printJson(out(), p, r, what, live.maxAfterGcBytes());
            } else {
                PipelineReport.print(out(), p, r, what, live.maxAfterGcBytes());
            }
        }
        return Main.EXIT_OK;
    }
}
