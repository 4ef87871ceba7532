package dev.mup.examples.cli;

import dev.mup.runtime.TextTable;
import com.google.gson.GsonBuilder;
import dev.mup.examples.bench.BenchResult;
import dev.mup.examples.bench.BenchSettings;
import dev.mup.examples.bench.WidthResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code bench} results as a table for people and as JSON for scripts. */
final class BenchReport {

    private BenchReport() {}

    /**
     * The table: per width, both medians, their ratio, the μP step's model FLOP rate and that
     * rate as a percentage of the matmul rate; above it, what was run and where.
     */
    static String table(BenchResult result) {
        BenchSettings s = result.settings();
        TextTable table = new TextTable(
                "width", "μP ms", "plain ms", "μP/plain", "model GFLOP/s", "% of matmul");
        for (WidthResult w : result.widths()) {
            table.row(String.valueOf(w.width()), round(w.mup().medianMs(), 2), round(w.plain().medianMs(), 2),
                    round(w.overheadRatio(), 3), round(w.modelGflops(), 1),
                    round(100 * result.fractionOfMatmul(w), 1));
        }
        return String.format(Locale.ROOT,
                "Training step of the example GPT (%d layers, head size %d, sequence %d, batch %d): median of %d"
                        + " steps after %d warm-up%n%s on %s, %s intra-op / %s inter-op threads; matmul %d³ fp32:"
                        + " %.1f GFLOP/s%n",
                s.layers(), s.headSize(), s.sequence(), s.batch(), s.steps(), s.warmup(), result.engine(),
                result.device(), orUnknown(result.threads()), orUnknown(result.interopThreads()), result.matmulSize(),
                result.matmulGflops())
                + table;
    }

    /**
     * Writes {@code {"widths": [{"width", "mupStepMs", "plainStepMs", "overheadRatio",
     * "modelGflops", ...}], "matmulGflops", ...}}, with the minimum and maximum of each variant so
     * that the noise of the run can be judged.
     */
    static void writeJson(BenchResult result, Path file) throws IOException {
        BenchSettings s = result.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("engine", result.engine());
        root.put("device", result.device());
        root.put("threads", result.threads());
        root.put("interopThreads", result.interopThreads());
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("corpus", result.corpus());
        root.put("layers", s.layers());
        root.put("headSize", s.headSize());
        root.put("sequence", s.sequence());
        root.put("batch", s.batch());
        root.put("warmup", s.warmup());
        root.put("steps", s.steps());
        root.put("matmulSize", result.matmulSize());
        root.put("matmulGflops", result.matmulGflops());
        List<Map<String, Object>> widths = new ArrayList<>();
        for (WidthResult w : result.widths()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("width", w.width());
            m.put("parameters", w.parameters());
            m.put("modelFlopsPerStep", w.flopsPerStep());
            m.put("mupStepMs", w.mup().medianMs());
            m.put("plainStepMs", w.plain().medianMs());
            m.put("overheadRatio", w.overheadRatio());
            m.put("modelGflops", w.modelGflops());
            m.put("plainModelGflops", w.plainModelGflops());
            m.put("fractionOfMatmul", result.fractionOfMatmul(w));
            m.put("mupMinMs", w.mup().minMs());
            m.put("mupMaxMs", w.mup().maxMs());
            m.put("plainMinMs", w.plain().minMs());
            m.put("plainMaxMs", w.plain().maxMs());
            widths.add(m);
        }
        root.put("widths", widths);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting()
                .create().toJson(root));
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private static String orUnknown(Integer count) {
        return count == null ? "(unknown)" : count.toString();
    }
}
