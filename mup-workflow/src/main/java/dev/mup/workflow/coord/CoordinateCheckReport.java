package dev.mup.workflow.coord;

import com.google.gson.GsonBuilder;
import dev.mup.runtime.TextTable;
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
}
