package dev.mup.workflow.coord;

import com.google.gson.GsonBuilder;
import dev.mup.runtime.TextTable;
import dev.mup.runtime.coord.CoordinateCheck;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.runtime.coord.CoordinateRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** What a coordinate check says: its table, its verdict and its records as JSON. */
public final class CoordinateCheckReport {

    /** Largest spread (max/min across widths) the verdict calls flat. */
    public static final double FLAT = 1.5;

    private CoordinateCheckReport() {}

    /**
     * The table at the last step: every layer's mean |activation| per width, its spread and its
     * wide/narrow ratio, then the verdict.
     *
     * @param result the check
     * @param title what was checked
     * @return the text, ending in a newline
     */
    public static String table(CoordinateCheckResult result, String title) {
        int t = result.steps();
        List<Integer> widths = result.widths();
        String[] header = new String[widths.size() + 3];
        header[0] = "layer (t = " + t + ")";
        for (int i = 0; i < widths.size(); i++) {
            header[i + 1] = String.valueOf(widths.get(i));
        }
        header[widths.size() + 1] = "max/min";
        header[widths.size() + 2] = ratio(result);
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
        return "Coordinate check: " + title + "\n" + table + verdict(result).text() + "\n";
    }

    /** The name of the largest-over-smallest ratio's column: wide/narrow, or deep/shallow over depth. */
    private static String ratio(CoordinateCheckResult result) {
        return CoordinateCheckResult.DEPTH.equals(result.axis()) ? "deep/shallow" : "wide/narrow";
    }

    /**
     * The verdict at the last step: FLAT when every layer stays within {@link #FLAT}; NOT FLAT
     * when a layer that is not flat does anything but shrink as width grows (the instability a
     * wrong parametrization shows); FLAT EXCEPT SHRINKING when the only layers that are not flat
     * shrink, as μP readouts and logits do while their vanishing random part still dominates.
     *
     * @param result the check
     * @return the verdict and its sentence
     */
    public static Verdict verdict(CoordinateCheckResult result) {
        int t = result.steps();
        List<Integer> widths = result.widths();
        int range = widths.get(widths.size() - 1) / widths.get(0);
        String axis = result.axis();
        String ratio = ratio(result);
        String worst = result.worstLayer(result.layers());
        double spread = result.spread(worst, t);
        if (spread <= FLAT) {
            return new Verdict(Verdict.Kind.FLAT, String.format(Locale.ROOT,
                    "Verdict: FLAT. Every layer's mean |activation| stays within %.2f× across a %d× range"
                            + " of %ss at t = %d.", spread, range, axis, t));
        }
        List<String> unstable = new ArrayList<>();
        List<String> shrinking = new ArrayList<>();
        for (String layer : result.layers()) {
            if (result.spread(layer, t) > FLAT) {
                (result.shrinks(layer, t) ? shrinking : unstable).add(layer);
            }
        }
        if (unstable.isEmpty()) {
            String why = CoordinateCheckResult.DEPTH.equals(axis)
                    ? " Under depth scaling each residual branch is m_L^(−α) smaller, so one block (a fixed"
                            + " index) moves less in a deeper model, by design; the residual stream after the"
                            + " last block (blocks.last.*) is what must stay flat."
                    : " A readout or attention logits do this under μP while the random part of their output,"
                            + " which vanishes with width, still dominates; a hidden layer that shrinks deserves"
                            + " a look.";
            return new Verdict(Verdict.Kind.FLAT_EXCEPT_SHRINKING, String.format(Locale.ROOT,
                    "Verdict: FLAT EXCEPT SHRINKING. No layer grows with %s; %s shrink%s as %s grows"
                            + " (worst '%s' %.2f×, %s %.2f×) at t = %d.%s",
                    axis, quoted(shrinking), shrinking.size() == 1 ? "s" : "", axis, worst, spread,
                    ratio, result.growth(worst, t), t, why));
        }
        String bad = result.worstLayer(unstable);
        return new Verdict(Verdict.Kind.NOT_FLAT, String.format(Locale.ROOT,
                "Verdict: NOT FLAT. '%s' changes %.2f× across %ss at t = %d (%s %.2f×):"
                        + " this parametrization does not keep activations stable as %s grows.",
                bad, result.spread(bad, t), axis, t, ratio, result.growth(bad, t), axis));
    }

    private static String quoted(List<String> layers) {
        return layers.stream().map(l -> "'" + l + "'").collect(Collectors.joining(", "));
    }

    /**
     * Writes the records as {@code {"records": [{"width", "layer", "t", "l1"}, ...]}}; a check
     * over depth as {@code {"axis": "depth", "records": [{"depth", "layer", "t", "l1"}, ...]}}.
     *
     * @param result the check
     * @param file the JSON file; its folder is created
     * @throws IOException if it cannot be written
     */
    public static void writeJson(CoordinateCheckResult result, Path file) throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        for (CoordinateRecord r : result.records()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(result.axis(), r.width());
            m.put("layer", r.layer());
            m.put("t", r.t());
            m.put("l1", r.l1());
            records.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        if (CoordinateCheckResult.DEPTH.equals(result.axis())) {
            root.put("axis", result.axis());
        }
        root.put("records", records);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting()
                .create().toJson(root));
    }

    /**
     * The check without its ε probe's records: the activations that {@link #table}, {@link #verdict}
     * and {@link CoordinateCheckPlot} read (the probe's fraction is not an activation).
     *
     * @param result a check, with or without {@link CoordinateCheck#EPSILON_PROBE} records
     * @return the activation records only
     */
    public static CoordinateCheckResult activations(CoordinateCheckResult result) {
        return new CoordinateCheckResult(result.records().stream()
                .filter(r -> !CoordinateCheck.EPSILON_PROBE.equals(r.layer())).toList(), result.axis());
    }

    /**
     * Whether the check recorded the ε probe.
     *
     * @param result the check
     * @return true when it has {@link CoordinateCheck#EPSILON_PROBE} records
     */
    public static boolean hasEpsilonProbe(CoordinateCheckResult result) {
        return result.records().stream().anyMatch(r -> CoordinateCheck.EPSILON_PROBE.equals(r.layer()));
    }

    /**
     * The ε probe as a table: one row per step, one column per width, each cell the fraction (0 to
     * 1) of hidden-weight entries whose Adam {@code √v̂} is below {@code factor}·ε (each entry's
     * own ε, after {@code MuOptions.epsilonScaling}), then the spread across widths.
     *
     * @param result a check run with the ε probe
     * @param factor the probe's multiple of ε, for the header
     * @return the text, ending in a newline
     * @throws IllegalArgumentException when the check has no probe records
     */
    public static String epsilonProbeTable(CoordinateCheckResult result, double factor) {
        if (!hasEpsilonProbe(result)) {
            throw new IllegalArgumentException("the check did not record the ε probe");
        }
        List<Integer> widths = result.widths();
        String k = factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor);
        String[] header = new String[widths.size() + 2];
        header[0] = "step";
        for (int i = 0; i < widths.size(); i++) {
            header[i + 1] = String.valueOf(widths.get(i));
        }
        header[widths.size() + 1] = "wide/narrow";
        TextTable table = new TextTable(header);
        for (int t = 1; t <= result.steps(); t++) {
            Object[] row = new Object[header.length];
            row[0] = "t = " + t;
            for (int i = 0; i < widths.size(); i++) {
                row[i + 1] = result.l1(CoordinateCheck.EPSILON_PROBE, widths.get(i), t);
            }
            double narrow = result.l1(CoordinateCheck.EPSILON_PROBE, widths.get(0), t);
            double wide = result.l1(CoordinateCheck.EPSILON_PROBE, widths.get(widths.size() - 1), t);
            row[widths.size() + 1] = narrow > 0 ? (Object) (wide / narrow) : "-";
            table.row(row);
        }
        return "ε probe: fraction of hidden-weight entries with Adam √v̂ < " + k + "·ε, per width\n" + table;
    }

    /**
     * Writes the activation records as {@link #writeJson(CoordinateCheckResult, Path)} does, and the
     * ε probe as {@code "epsilonProbe": {"factor", "records": [{"width", "t", "fraction"}, ...]}}.
     *
     * @param result a check run with the ε probe
     * @param factor the probe's multiple of ε
     * @param file the JSON file; its folder is created
     * @throws IOException if it cannot be written
     */
    public static void writeJson(CoordinateCheckResult result, double factor, Path file) throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        List<Map<String, Object>> probe = new ArrayList<>();
        for (CoordinateRecord r : result.records()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("width", r.width());
            if (CoordinateCheck.EPSILON_PROBE.equals(r.layer())) {
                m.put("t", r.t());
                m.put("fraction", r.l1());
                probe.add(m);
            } else {
                m.put("layer", r.layer());
                m.put("t", r.t());
                m.put("l1", r.l1());
                records.add(m);
            }
        }
        Map<String, Object> epsilon = new LinkedHashMap<>();
        epsilon.put("factor", factor);
        epsilon.put("records", probe);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("records", records);
        root.put("epsilonProbe", epsilon);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting()
                .create().toJson(root));
    }
}
