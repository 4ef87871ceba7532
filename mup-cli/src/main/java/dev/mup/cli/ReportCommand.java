package dev.mup.cli;

import dev.mup.runtime.TextTable;
import com.google.gson.GsonBuilder;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepPlot;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.SweepProgress;
import dev.mup.workflow.sweep.TrialStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Reports a sweep: the optimum learning rate per width, how far it moves, and the curves. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Optimum learning rate per width for μP and SP, its shift across widths, whether"
                + " wider is better; JSON and a PNG of loss against log2 lr.")
final class ReportCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--store", defaultValue = "jdbc:sqlite:sweep.db", description = "The sweep's store.")
    String store;

    @Option(names = "--json", description = "Write optima, shift and curves to this JSON file.")
    Path json;

    @Option(names = "--plot", description = "Draw loss against log2 lr to this PNG file.")
    Path plot;

    @Override
    public Integer call() throws IOException {
        SweepSettings settings;
        SweepAnalysis analysis;
        SweepProgress progress;
        try (TrialStore trials = StoreAccess.openExisting(spec.commandLine(), store)) {
            settings = StoreAccess.settings(spec.commandLine(), trials);
            analysis = SweepAnalysis.of(trials.trials());
            progress = trials.progress();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(text(settings, analysis, progress));
        out.flush();
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, new GsonBuilder().setPrettyPrinting().serializeNulls().create()
                    .toJson(analysis.toJsonTree()));
        }
        if (plot != null) {
            SweepPlot.write(analysis, title(settings), plot);
        }
        return 0;
    }

    static String title(SweepSettings s) {
        // a store a worker filled with a definition of its own: the trials are all a report needs
        if (s == null) {
            return "sweep";
        }
        return s.task() + ", " + s.optimizer() + ", " + s.steps() + " steps";
    }

    static String text(SweepSettings settings, SweepAnalysis analysis, SweepProgress progress) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Sweep of %s: %d of %d trials finished (%d diverged)%n",
                title(settings), progress.done(), progress.total(), progress.diverged()));
        TextTable table = new TextTable("param", "width", "best log2 lr", "validation loss");
        for (SweepAnalysis.Optimum o : analysis.optima()) {
            table.row("mup".equals(o.param()) ? "μP" : "SP", o.width(), o.log2Lr(), o.loss());
        }
        b.append(table);
        List<String> params = analysis.parametrizations();
        for (String param : params) {
            OptionalInt shift = analysis.shift(param);
            b.append(String.format(Locale.ROOT, "%s: optimum moves %s from the narrowest to the widest width;"
                            + " wider is better: %s%n",
                    "mup".equals(param) ? "μP" : "SP",
                    shift.isPresent() ? shift.getAsInt() + " grid step(s)" : "(needs two widths)",
                    analysis.widerIsBetter(param) ? "yes" : "no"));
        }
        return b.toString();
    }
}
