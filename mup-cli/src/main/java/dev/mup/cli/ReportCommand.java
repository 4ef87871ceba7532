package dev.mup.cli;

import dev.mup.runtime.TextTable;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepPlot;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.SweepProgress;
import dev.mup.workflow.sweep.TrialStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Reports a sweep: the optimum learning rate per width, how far it moves (grid argmin and fitted
 * optimum), what copying the proxy's values costs (transfer regret), the verdict, and the curves.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Optimum learning rate per width for μP and SP, its shift across widths (grid argmin"
                + " and fitted optimum), the transfer regret of the proxy's values at each width, whether"
                + " they transfer and whether wider is better; JSON and a PNG of loss against log2 lr."
                + " A sweep over depth (sweep --depths) is reported per depth the same way. It warns when the"
                + " validation and training losses put an optimum two or more grid steps apart.")
final class ReportCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--store", defaultValue = "jdbc:sqlite:sweep.db", description = "The sweep's store.")
    String store;

    @Option(names = "--json", description = "Write optima, shift and curves to this JSON file.")
    Path json;

    @Option(names = "--plot", description = "Draw loss against log2 lr to this PNG file.")
    Path plot;

    @Option(names = "--from-report", paramLabel = "FILE",
            description = "Analyse the curves of an earlier report's JSON instead of a store (only the"
                    + " learning rate is known then).")
    Path fromReport;

    @Option(names = "--regret-tolerance", defaultValue = "0.01", paramLabel = "FRACTION",
            description = "The verdict says the proxy's values transfer when copying them costs at most"
                    + " this fraction of the best loss at every width (where the proxy's point was not run"
                    + " at the other widths: when the fitted optimum moves by at most one grid step)."
                    + " Default: ${DEFAULT-VALUE}.")
    double regretTolerance;

    @Mixin MetricOption metrics;

    /** Optima this many grid steps apart on the two losses draw a warning. */
    static final int METRIC_DISAGREEMENT_STEPS = 2;

    @Override
    public Integer call() throws IOException {
        if (!(regretTolerance >= 0) || Double.isInfinite(regretTolerance)) {
            throw new ParameterException(spec.commandLine(),
                    "--regret-tolerance must be zero or a positive fraction, got " + regretTolerance);
        }
        String title;
        String heading;
        SweepAnalysis analysis;
        List<SweepAnalysis.Disagreement> disagreements = List.of();
        if (fromReport != null) {
            analysis = readCurves(fromReport);
            title = String.valueOf(fromReport.getFileName());
            heading = "Curves of " + fromReport;
        } else {
            try (TrialStore trials = StoreAccess.openExisting(spec.commandLine(), store)) {
                SweepSettings settings = StoreAccess.settings(spec.commandLine(), trials);
                SweepAnalysis.Metric metric = metrics.metric(spec.commandLine());
                analysis = SweepAnalysis.of(trials.trials(), metric);
                disagreements = analysis.optimaApart(SweepAnalysis.of(trials.trials(), metric.other()),
                        METRIC_DISAGREEMENT_STEPS);
                SweepProgress progress = trials.progress();
                title = title(settings);
                heading = String.format(Locale.ROOT, "Sweep of %s: %d of %d trials finished (%d diverged)",
                        title, progress.done(), progress.total(), progress.diverged());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(heading);
        out.print(text(analysis, regretTolerance));
        out.print(disagreementText(analysis, disagreements));
        out.flush();
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            java.util.Map<String, Object> tree = analysis.toJsonTree(regretTolerance);
            if (fromReport == null) {
                tree.put("metricDisagreements", disagreementJson(analysis, disagreements));
            }
            Files.writeString(json, new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(tree));
        }
        if (plot != null) {
            SweepPlot.write(analysis, title, plot);
        }
        return 0;
    }

    /** The curves of a report written by {@code report --json}; bad input is one line, exit 2. */
    private SweepAnalysis readCurves(Path file) {
        List<SweepAnalysis.CurvePoint> points = new ArrayList<>();
        String axis;
        SweepAnalysis.Metric metric;
        if (metrics.metric != null) {
            throw new BadInput(spec.commandLine(), "--metric reads a store; a report's curves (--from-report) are"
                    + " of the loss it was written with");
        }
        try {
            JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            if (!root.has("curves") || !root.get("curves").isJsonArray()) {
                throw new IllegalArgumentException("it has no \"curves\" array");
            }
            // a report over depth says so; one over width (written before depth existed too) does not
            axis = root.has("axis") ? root.get("axis").getAsString() : SweepAnalysis.WIDTH;
            // a report written before the metric was recorded was on the validation loss
            metric = root.has("metric") ? SweepAnalysis.Metric.of(root.get("metric").getAsString())
                    : SweepAnalysis.Metric.VALIDATION;
            if (!SweepAnalysis.WIDTH.equals(axis) && !SweepAnalysis.DEPTH.equals(axis)) {
                throw new IllegalArgumentException("its axis '" + axis + "' is neither width nor depth");
            }
            for (JsonElement e : root.getAsJsonArray("curves")) {
                JsonObject p = e.getAsJsonObject();
                JsonElement loss = p.get("loss");
                points.add(new SweepAnalysis.CurvePoint(
                        p.get("param").getAsString(),
                        p.get(axis).getAsInt(),
                        p.get("log2Lr").getAsDouble(),
                        loss == null || loss.isJsonNull() ? Double.NaN : loss.getAsDouble()));
            }
        } catch (IOException e) {
            throw new BadInput(spec.commandLine(), "--from-report " + file + ": cannot be read ("
                    + e.getMessage() + ")");
        } catch (RuntimeException e) {
            throw new BadInput(spec.commandLine(), "--from-report " + file
                    + ": not a report written by report --json (" + TaskOption.oneLine(e) + ")");
        }
        if (points.isEmpty()) {
            throw new BadInput(spec.commandLine(), "--from-report " + file + ": its curves are empty");
        }
        return SweepAnalysis.ofCurves(points, axis, metric);
    }

    static String title(SweepSettings s) {
        // a store a worker filled with a definition of its own: the trials are all a report needs
        if (s == null) {
            return "sweep";
        }
        return s.task() + ", " + s.optimizer() + ", " + s.steps() + " steps"
                + (s.overDepth() ? ", width " + s.widths().get(0) : "")
                + (s.depthExponent() != 0 || s.overDepth()
                        ? ", α = " + TextTable.format(s.depthExponent()) : "");
    }

    static String text(SweepAnalysis analysis, double regretTolerance) {
        StringBuilder b = new StringBuilder();
        String axis = analysis.axis();
        boolean depth = SweepAnalysis.DEPTH.equals(axis);
        TextTable table = new TextTable("param", axis, "best log2 lr", "fitted log2 lr", analysis.metric().label(),
                "loss at proxy's best", "transfer regret");
        for (String param : analysis.parametrizations()) {
            java.util.Map<Integer, SweepAnalysis.TransferRegret> regrets = new java.util.TreeMap<>();
            analysis.transferRegrets(param).forEach(r -> regrets.put(r.width(), r));
            for (int width : analysis.widths(param)) {
                SweepAnalysis.Optimum o = analysis.optimum(param, width).orElse(null);
                if (o == null) {
                    continue;
                }
                SweepAnalysis.FittedOptimum fit = analysis.fittedOptimum(param, width).orElseThrow();
                SweepAnalysis.TransferRegret r = regrets.get(width);
                table.row(label(param), width, o.log2Lr(), fit.log2Lr(), o.loss(),
                        r == null ? "-" : Double.isNaN(r.lossAtProxyBest()) ? "diverged" : r.lossAtProxyBest(),
                        r == null ? "-" : regretText(r));
            }
        }
        b.append(table);
        for (String param : analysis.parametrizations()) {
            for (int width : analysis.widths(param)) {
                if (analysis.optimumAtGridEdge(param, width)) {
                    b.append(String.format(Locale.ROOT, "Warning: the %s optimum at %s %d (log2 lr %s) is on"
                                    + " the edge of the grid: the best learning rate may lie beyond it, so the"
                                    + " shift, the regret and the verdict below are not to be trusted; widen the"
                                    + " grid (--grid log2Lr=LO:HI:STEP) past it%n",
                            label(param), axis, width, TextTable.format(analysis.optimum(param, width).orElseThrow().log2Lr())));
                }
            }
        }
        for (String param : analysis.parametrizations()) {
            OptionalInt shift = analysis.shift(param);
            OptionalDouble fitted = analysis.fittedShift(param);
            OptionalDouble regret = analysis.maxRelativeRegret(param);
            b.append(String.format(Locale.ROOT, "%s: grid optimum moves %s, fitted optimum %s from the %s"
                            + " to the %s %s; largest transfer regret %s; transfers (regret ≤ %s): %s;"
                            + " %s is better: %s%n",
                    label(param),
                    shift.isPresent() ? shift.getAsInt() + " grid step(s)" : "(needs two " + axis + "s)",
                    fitted.isPresent() ? fittedMove(analysis, param, fitted.getAsDouble()) : "-",
                    depth ? "shallowest" : "narrowest", depth ? "deepest" : "widest", axis,
                    regret.isPresent() ? percent(regret.getAsDouble()) : "-",
                    percent(regretTolerance),
                    analysis.transfers(param, regretTolerance) ? "yes" : "no",
                    depth ? "deeper" : "wider",
                    analysis.widerIsBetter(param) ? "yes" : "no"));
        }
        return b.toString();
    }

    /**
     * The warning that the two losses disagree about where the optimum is, one line per width.
     *
     * @param analysis the analysis reported
     * @param disagreements its optima that lie apart from the other metric's
     * @return the lines, empty when they agree
     */
    static String disagreementText(SweepAnalysis analysis, List<SweepAnalysis.Disagreement> disagreements) {
        StringBuilder b = new StringBuilder();
        for (SweepAnalysis.Disagreement d : disagreements) {
            b.append(String.format(Locale.ROOT, "Warning: at %s %d the %s optimum of the %s (log2 lr %s) is %d grid"
                            + " steps from that of the %s (log2 lr %s)%n",
                    analysis.axis(), d.width(), label(d.param()), analysis.metric().label(),
                    TextTable.format(d.here().log2Lr()), d.gridSteps(),
                    analysis.metric().other().label(),
                    TextTable.format(d.there().log2Lr())));
        }
        if (!disagreements.isEmpty()) {
            b.append("  The held-out loss does not follow training there. A model with BatchNorm scored in"
                    + " inference mode does this (its running statistics lag the weights at large learning"
                    + " rates; a task fixes it with MuTask.batchNormRecalibrationBatches(), the example"
                    + " ResNet with --set recalibrate=32); so does overfitting a small training set.")
                    .append(analysis.metric() == SweepAnalysis.Metric.VALIDATION
                            ? " If the held-out metric is at fault, read the sweep on the training loss:"
                                    + " --metric training."
                            : " This report reads the training loss (--metric training): make sure its optima"
                                    + " are not bought by overfitting.")
                    .append(System.lineSeparator());
        }
        return b.toString();
    }

    /** The fitted shift with its direction: {@code 1.31 grid steps (log2 lr -2.9 → -4.22)}. */
    private static String fittedMove(SweepAnalysis analysis, String param, double steps) {
        List<Integer> widths = analysis.widths(param);
        java.util.Optional<SweepAnalysis.FittedOptimum> first = analysis.fittedOptimum(param, widths.get(0));
        java.util.Optional<SweepAnalysis.FittedOptimum> last =
                analysis.fittedOptimum(param, widths.get(widths.size() - 1));
        String move = String.format(Locale.ROOT, "%.2f grid step(s)", steps);
        if (first.isPresent() && last.isPresent()) {
            move += String.format(Locale.ROOT, " (log2 lr %.2f → %.2f)", first.get().log2Lr(), last.get().log2Lr());
        }
        return move;
    }

    /** The disagreements as the report's JSON writes them. */
    static List<java.util.Map<String, Object>> disagreementJson(SweepAnalysis analysis,
            List<SweepAnalysis.Disagreement> disagreements) {
        String other = analysis.metric().other().key();
        List<java.util.Map<String, Object>> out = new ArrayList<>();
        for (SweepAnalysis.Disagreement d : disagreements) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("param", d.param());
            m.put(analysis.axis(), d.width());
            m.put("log2Lr", d.here().log2Lr());
            m.put("otherMetric", other);
            m.put("otherLog2Lr", d.there().log2Lr());
            m.put("gridSteps", d.gridSteps());
            out.add(m);
        }
        return out;
    }

    private static String label(String param) {
        return "mup".equals(param) ? "μP" : "SP";
    }

    private static String regretText(SweepAnalysis.TransferRegret r) {
        if (!Double.isFinite(r.regret())) {
            return "diverged";
        }
        return TextTable.format(r.regret()) + " (" + percent(r.relativeRegret()) + ")";
    }

    private static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction) : "∞";
    }
}
