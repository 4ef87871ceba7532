package dev.mup.examples.cli;

import com.google.gson.GsonBuilder;
import dev.mup.examples.gpt.TransferVariant;
import dev.mup.runtime.TextTable;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The {@code variants} results: one row per variant, every number read from its sweep's
 * {@link SweepAnalysis} (nothing is computed here but formatting).
 */
final class VariantReport {

    /** One variant's sweep and what its analysis found. */
    record Row(TransferVariant variant, Path store, SweepSettings settings, SweepAnalysis analysis) {}

    private final List<Row> rows;
    private final List<Integer> widths;
    private final double regretTolerance;

    VariantReport(List<Row> rows, List<Integer> widths, double regretTolerance) {
        this.rows = List.copyOf(rows);
        this.widths = List.copyOf(widths);
        this.regretTolerance = regretTolerance;
    }

    /**
     * The table: variant, parametrization, grid optimum (log2 lr) per width ({@code *} where it is
     * on the edge of the grid), argmin shift in grid steps, fitted shift, largest relative transfer
     * regret, and the verdict at the tolerance.
     */
    String table() {
        List<String> header = new ArrayList<>(List.of("variant", "param"));
        for (int w : widths) {
            header.add("opt@" + w);
        }
        header.addAll(List.of("shift", "fitted shift", "max regret", "transfers"));
        TextTable table = new TextTable(header.toArray(String[]::new));
        boolean edge = false;
        for (Row r : rows) {
            String p = r.variant().parametrization();
            SweepAnalysis a = r.analysis();
            List<Object> cells = new ArrayList<>(List.of(r.variant().name(), "mup".equals(p) ? "μP" : "SP"));
            for (int w : widths) {
                Optional<SweepAnalysis.Optimum> o = a.optimum(p, w);
                if (o.isEmpty()) {
                    cells.add("-");
                    continue;
                }
                boolean atEdge = a.optimumAtGridEdge(p, w);
                edge |= atEdge;
                cells.add(number(o.get().log2Lr()) + (atEdge ? "*" : ""));
            }
            OptionalInt shift = a.shift(p);
            OptionalDouble fitted = a.fittedShift(p);
            OptionalDouble regret = a.maxRelativeRegret(p);
            cells.add(shift.isPresent() ? String.valueOf(shift.getAsInt()) : "-");
            cells.add(fitted.isPresent() ? String.format(Locale.ROOT, "%.2f", fitted.getAsDouble()) : "-");
            cells.add(regret.isEmpty() ? "-" : Double.isInfinite(regret.getAsDouble()) ? "diverged"
                    : String.format(Locale.ROOT, "%.2f%%", 100 * regret.getAsDouble()));
            cells.add(a.transfers(p, regretTolerance) ? "yes" : "no");
            table.row(cells.toArray());
        }
        SweepSettings s = rows.isEmpty() ? null : rows.get(0).settings();
        StringBuilder b = new StringBuilder();
        if (s != null) {
            b.append(String.format(Locale.ROOT,
                    "Learning-rate transfer of the example GPT per variant: widths %s (proxy %d), log2 lr %s,"
                            + " %d steps, batch %d, %s (β %s, %s), %d seed(s), %s%n",
                    widths, widths.get(0), grid(s), s.steps(), s.batch(), s.optimizer(),
                    number(s.beta1()), number(s.beta2()), s.seeds(), s.data()));
        }
        b.append(table);
        b.append(String.format(Locale.ROOT,
                "opt@W: grid optimum of log2 lr at width W%s; shift: grid steps the optimum moves from the"
                        + " narrowest to the widest width (fitted: the parabola's vertex); max regret: what the"
                        + " proxy's best learning rate costs at the other widths, relative to their best loss;"
                        + " transfers: max regret ≤ %s%%.%n",
                edge ? " (* on the edge of the grid: widen it)" : "", number(100 * regretTolerance)));
        return b.toString();
    }

    /**
     * Writes {@code {"widths", "regretTolerance", "variants": [{"name", "description",
     * "parametrization", "taskSettings", "store", "optima": [{"width", "log2Lr", "fittedLog2Lr",
     * "loss", "atGridEdge"}], "shift", "fittedShift", "maxRelativeRegret", "transfers",
     * "analysis"}]}} where {@code analysis} is the sweep's full {@link SweepAnalysis#toJsonTree}.
     */
    void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("widths", widths);
        root.put("regretTolerance", regretTolerance);
        if (!rows.isEmpty()) {
            SweepSettings s = rows.get(0).settings();
            root.put("steps", s.steps());
            root.put("batch", s.batch());
            root.put("seeds", s.seeds());
            root.put("optimizer", s.optimizer());
            root.put("data", s.data());
            root.put("space", s.space());
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row r : rows) {
            String p = r.variant().parametrization();
            SweepAnalysis a = r.analysis();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.variant().name());
            m.put("description", r.variant().description());
            m.put("parametrization", p);
            m.put("taskSettings", r.settings().taskSettings());
            m.put("store", r.store().toString());
            List<Map<String, Object>> optima = new ArrayList<>();
            for (int w : widths) {
                Optional<SweepAnalysis.Optimum> o = a.optimum(p, w);
                if (o.isEmpty()) {
                    continue;
                }
                Map<String, Object> om = new LinkedHashMap<>();
                om.put("width", w);
                om.put("log2Lr", o.get().log2Lr());
                om.put("fittedLog2Lr", a.fittedOptimum(p, w).orElseThrow().log2Lr());
                om.put("loss", o.get().loss());
                om.put("atGridEdge", a.optimumAtGridEdge(p, w));
                optima.add(om);
            }
            m.put("optima", optima);
            OptionalInt shift = a.shift(p);
            OptionalDouble fitted = a.fittedShift(p);
            OptionalDouble regret = a.maxRelativeRegret(p);
            m.put("shift", shift.isPresent() ? shift.getAsInt() : null);
            m.put("fittedShift", fitted.isPresent() ? fitted.getAsDouble() : null);
            m.put("maxRelativeRegret",
                    regret.isPresent() && Double.isFinite(regret.getAsDouble()) ? regret.getAsDouble() : null);
            m.put("transfers", a.transfers(p, regretTolerance));
            m.put("analysis", a.toJsonTree(regretTolerance));
            list.add(m);
        }
        root.put("variants", list);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new GsonBuilder().serializeSpecialFloatingPointValues().serializeNulls()
                .setPrettyPrinting().create().toJson(root));
    }

    /** The swept log2 learning rates, e.g. {@code -12, -11, -10}. */
    private static String grid(SweepSettings s) {
        if (s.space().get("grid") instanceof Map<?, ?> g && g.get("log2Lr") instanceof List<?> values) {
            List<String> out = new ArrayList<>();
            for (Object v : values) {
                out.add(v instanceof Number n ? number(n.doubleValue()) : String.valueOf(v));
            }
            return String.join(", ", out);
        }
        return String.valueOf(s.space());
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
