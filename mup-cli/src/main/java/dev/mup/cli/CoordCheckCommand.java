package dev.mup.cli;

import dev.mup.runtime.TextTable;
import com.google.gson.GsonBuilder;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptCoordinateCheck;
import dev.mup.examples.mlp.MlpCoordinateCheck;
import dev.mup.workflow.coord.CoordinateCheckPlot;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.coord.CoordinateCheck;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.runtime.coord.CoordinateRecord;
import dev.mup.runtime.precision.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs a coordinate check of an example model and prints, writes and plots it: the test that
 * tells μP from a parametrization whose activations blow up with width.
 */
@Command(
        name = "coord-check",
        mixinStandardHelpOptions = true,
        description = "Coordinate check: train each width a few steps and record every layer's mean"
                + " |activation|; flat in width under μP, growing under SP.")
final class CoordCheckCommand implements Callable<Integer> {

    /** Largest spread (max/min across widths) the verdict calls flat. */
    static final double FLAT = 1.5;

    @Spec CommandSpec spec;

    @Mixin DeviceOption devices;

    @Option(names = "--model", defaultValue = "mlp",
            description = "Example model: mlp (built-in teacher task) or gpt (character-level, on --text).")
    String model;

    @Option(names = "--param", defaultValue = "mup", description = "mup or sp.")
    String param;

    @Option(names = "--widths", split = ",", defaultValue = "64,128,256,512,1024",
            description = "Widths (default 64,128,256,512,1024).")
    List<Integer> widths;

    @Option(names = "--steps", defaultValue = "4", description = "Steps T (default 4).")
    int steps;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (default 0.01).")
    float lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd.")
    OptimizerChoice optimizer;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds averaged over (default 3).")
    int seeds;

    @Option(names = "--text",
            description = "UTF-8 text to train the GPT on (default: the built-in corpus).")
    Path text;

    @Option(names = "--tied-readout",
            description = "GPT only: tie the readout to the token embedding (default: a readout of its own).")
    boolean tiedReadout;

    @Option(names = "--json", description = "Write the records to this JSON file.")
    Path json;

    @Option(names = "--plot", description = "Draw the check to this PNG file.")
    Path plot;

    @Override
    public Integer call() throws IOException {
        if (!"mlp".equals(model) && !"gpt".equals(model)) {
            throw new ParameterException(spec.commandLine(),
                    "Unknown --model '" + model + "': use mlp or gpt");
        }
        if (text != null && "mlp".equals(model)) {
            throw new ParameterException(spec.commandLine(), "--text applies to the gpt model, not mlp");
        }
        if (tiedReadout && "mlp".equals(model)) {
            throw new ParameterException(spec.commandLine(), "--tied-readout applies to the gpt model, not mlp");
        }
        Parametrization parametrization = parseParam();
        if (widths.size() < 2 || widths.stream().anyMatch(w -> w <= 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--widths needs at least two positive integers, got " + widths);
        }
        if (steps <= 0 || seeds <= 0 || !(lr > 0) || Float.isInfinite(lr)) {
            throw new ParameterException(spec.commandLine(),
                    "--steps, --seeds and --lr must be positive");
        }
        MuOptions options = MuOptions.builder().parametrization(parametrization).build();
        CoordinateCheck.Builder configured;
        String modelName;
        if ("gpt".equals(model)) {
            CharCorpus corpus = TextOption.corpus(spec.commandLine(), text);
            configured = GptCoordinateCheck.builder(
                    corpus, options, optimizer.rule(), lr, widths, steps, seeds, tiedReadout);
            modelName = (tiedReadout ? "tied-readout GPT (" : "GPT (")
                    + (text == null ? corpus.name() : text.getFileName()) + ")";
        } else {
            configured = MlpCoordinateCheck.builder(options, optimizer.rule(), lr, widths, steps, seeds);
            modelName = "MLP";
        }
        CoordinateCheck check = configured.device(devices.device()).precision(devices.precision()).build();
        System.err.printf(Locale.ROOT, "coord-check: training on %s in %s%n", check.device(), check.precision());
        CoordinateCheckResult result = check.run((done, total) ->
                System.err.printf(Locale.ROOT, "coord-check: %d/%d runs%n", done, total));

        String title = parametrization.name().replace("MUP", "μP") + " " + modelName + ", " + optimizer
                + " lr " + lr + (check.precision() == Precision.FP32 ? "" : ", " + check.precision());
        PrintWriter out = spec.commandLine().getOut();
        out.print(table(result, title));
        out.flush();
        if (json != null) {
            writeJson(result, json);
        }
        if (plot != null) {
            CoordinateCheckPlot.write(result, title, plot);
        }
        return 0;
    }

    private Parametrization parseParam() {
        switch (param.toLowerCase(Locale.ROOT)) {
            case "mup":
                return Parametrization.MUP;
            case "sp":
                return Parametrization.SP;
            default:
                throw new ParameterException(spec.commandLine(),
                        "Unknown --param '" + param + "': use mup or sp");
        }
    }

    static String table(CoordinateCheckResult result, String title) {
        int t = result.steps();
        List<Integer> widths = result.widths();
        String[] header = new String[widths.size() + 3];
        header[0] = "layer (t = " + t + ")";
        for (int i = 0; i < widths.size(); i++) {
            header[i + 1] = String.valueOf(widths.get(i));
        }
        header[widths.size() + 1] = "max/min";
        header[widths.size() + 2] = "wide/narrow";
        TextTable table = new TextTable(header);
        for (String layer : result.layers()) {
            Object[] row = new Object[header.length];
            row[0] = layer;
            for (int i = 0; i < widths.size(); i++) {
                row[i + 1] = result.l1(layer, widths.get(i), t);
            }
            row[widths.size() + 1] = result.spread(layer, t);
            row[widths.size() + 2] = result.growth(layer, t);
            table.row(row);
        }
        return "Coordinate check: " + title + "\n" + table + verdict(result) + "\n";
    }

    /**
     * The verdict at the last step: FLAT when every layer stays within {@link #FLAT}; NOT FLAT
     * when a layer that is not flat does anything but shrink as width grows (the instability a
     * wrong parametrization shows); FLAT EXCEPT SHRINKING when the only layers that are not flat
     * shrink, as μP readouts and logits do while their vanishing random part still dominates.
     */
    static String verdict(CoordinateCheckResult result) {
        int t = result.steps();
        List<Integer> widths = result.widths();
        int range = widths.get(widths.size() - 1) / widths.get(0);
        String worst = result.worstLayer(result.layers());
        double spread = result.spread(worst, t);
        if (spread <= FLAT) {
            return String.format(Locale.ROOT,
                    "Verdict: FLAT. Every layer's mean |activation| stays within %.2f× across a %d× range"
                            + " of widths at t = %d.", spread, range, t);
        }
        List<String> unstable = new ArrayList<>();
        List<String> shrinking = new ArrayList<>();
        for (String layer : result.layers()) {
            if (result.spread(layer, t) > FLAT) {
                (result.shrinks(layer, t) ? shrinking : unstable).add(layer);
            }
        }
        if (unstable.isEmpty()) {
            return String.format(Locale.ROOT,
                    "Verdict: FLAT EXCEPT SHRINKING. No layer grows with width; %s shrink%s as width grows"
                            + " (worst '%s' %.2f×, wide/narrow %.2f×) at t = %d. A readout or attention"
                            + " logits do this under μP while the random part of their output, which vanishes"
                            + " with width, still dominates; a hidden layer that shrinks deserves a look.",
                    quoted(shrinking), shrinking.size() == 1 ? "s" : "", worst, spread,
                    result.growth(worst, t), t);
        }
        String bad = result.worstLayer(unstable);
        return String.format(Locale.ROOT,
                "Verdict: NOT FLAT. '%s' changes %.2f× across widths at t = %d (wide/narrow %.2f×):"
                        + " this parametrization does not keep activations stable as width grows.",
                bad, result.spread(bad, t), t, result.growth(bad, t));
    }

    private static String quoted(List<String> layers) {
        return layers.stream().map(l -> "'" + l + "'").collect(java.util.stream.Collectors.joining(", "));
    }

    static void writeJson(CoordinateCheckResult result, Path file) throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        for (CoordinateRecord r : result.records()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("width", r.width());
            m.put("layer", r.layer());
            m.put("t", r.t());
            m.put("l1", r.l1());
            records.add(m);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting()
                .create().toJson(Map.of("records", records)));
    }
}
