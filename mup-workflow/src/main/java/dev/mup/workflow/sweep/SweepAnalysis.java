package dev.mup.workflow.sweep;

import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a sweep found: for each parametrization and width, the validation loss against log2 of
 * the learning rate (each point's loss is the mean over seeds, and, where other hyperparameters
 * were searched too, the best over them), the optimum of each curve, how far the optimum moves
 * from the narrowest to the widest width in grid steps, and whether the loss at the optimum
 * falls as the width grows ("wider is better").
 *
 * <p>A point where any seed diverged counts as diverged: it has no loss and cannot be an
 * optimum. Trials not finished yet are left out.
 */
public final class SweepAnalysis {

    /** One point of a curve. */
    public record Point(double log2Lr, double loss) {}

    /** The best point of a curve. */
    public record Optimum(String param, int width, double log2Lr, double loss) {}

    /** The best hyperparameters of one parametrization at one width. */
    public record Best(String param, int width, SortedMap<String, Double> hyperparameters, double loss) {}

    private final Map<String, Map<Integer, List<Point>>> curves;
    private final List<Double> lrGrid;
    private final Map<String, Map<Integer, Best>> best;

    private SweepAnalysis(Map<String, Map<Integer, List<Point>>> curves, List<Double> lrGrid,
            Map<String, Map<Integer, Best>> best) {
        this.curves = curves;
        this.lrGrid = lrGrid;
        this.best = best;
    }

    /**
     * Analyses the trials of a sweep.
     *
     * @param trials every trial of the store
     * @return the analysis
     */
    public static SweepAnalysis of(List<TrialRecord> trials) {
        // mean over seeds of each (param, width, hyperparameters) point; NaN when a seed diverged
        Map<String, Map<Integer, Map<SortedMap<String, Double>, double[]>>> points = new TreeMap<>();
        for (TrialRecord r : trials) {
            if (r.status() != TrialStatus.COMPLETED && r.status() != TrialStatus.DIVERGED) {
                continue;
            }
            double loss = r.status() == TrialStatus.DIVERGED ? Double.NaN : r.result().validLoss();
            double[] sum = points.computeIfAbsent(r.spec().parametrization(), k -> new TreeMap<>())
                    .computeIfAbsent(r.spec().width(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(new TreeMap<>(r.spec().hyperparameters()), k -> new double[2]);
            sum[0] += loss;
            sum[1]++;
        }
        Map<String, Map<Integer, List<Point>>> curves = new TreeMap<>();
        Map<String, Map<Integer, Best>> best = new TreeMap<>();
        TreeSet<Double> lrs = new TreeSet<>();
        points.forEach((param, byWidth) -> byWidth.forEach((width, byPoint) -> {
            TreeMap<Double, Double> curve = new TreeMap<>();
            Best b = null;
            for (Map.Entry<SortedMap<String, Double>, double[]> e : byPoint.entrySet()) {
                double mean = e.getValue()[0] / e.getValue()[1];
                double lr = e.getKey().getOrDefault(Hyperparameter.LOG2_LR.key(),
                        Hyperparameter.LOG2_LR.defaultValue());
                lrs.add(lr);
                Double previous = curve.get(lr);
                if (previous == null || Double.isNaN(previous) || mean < previous) {
                    curve.put(lr, mean);
                }
                if (!Double.isNaN(mean) && (b == null || mean < b.loss())) {
                    b = new Best(param, width, e.getKey(), mean);
                }
            }
            List<Point> list = new ArrayList<>();
            curve.forEach((lr, loss) -> list.add(new Point(lr, loss)));
            curves.computeIfAbsent(param, k -> new TreeMap<>()).put(width, List.copyOf(list));
            if (b != null) {
                best.computeIfAbsent(param, k -> new TreeMap<>()).put(width, b);
            }
        }));
        return new SweepAnalysis(curves, List.copyOf(lrs), best);
    }

    /**
     * The parametrizations with results.
     *
     * @return e.g. {@code [mup, sp]}
     */
    public List<String> parametrizations() {
        return List.copyOf(curves.keySet());
    }

    /**
     * The widths with results for a parametrization, narrowest first.
     *
     * @param param {@code mup} or {@code sp}
     * @return the widths
     */
    public List<Integer> widths(String param) {
        return List.copyOf(curves.getOrDefault(param, Map.of()).keySet());
    }

    /**
     * A curve: loss against log2 lr (NaN where diverged).
     *
     * @param param the parametrization
     * @param width the width
     * @return its points, by increasing learning rate
     */
    public List<Point> curve(String param, int width) {
        return curves.getOrDefault(param, Map.of()).getOrDefault(width, List.of());
    }

    /**
     * The optimum of a curve.
     *
     * @param param the parametrization
     * @param width the width
     * @return the lowest finite point, if any
     */
    public java.util.Optional<Optimum> optimum(String param, int width) {
        return curve(param, width).stream()
                .filter(p -> !Double.isNaN(p.loss()))
                .min(java.util.Comparator.comparingDouble(Point::loss))
                .map(p -> new Optimum(param, width, p.log2Lr(), p.loss()));
    }

    /**
     * Every optimum, by parametrization then width.
     *
     * @return the optima
     */
    public List<Optimum> optima() {
        List<Optimum> out = new ArrayList<>();
        for (String param : parametrizations()) {
            for (int width : widths(param)) {
                optimum(param, width).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * How many learning-rate grid steps the optimum moves from the narrowest to the widest width
     * (absolute value; both must have an optimum).
     *
     * @param param the parametrization
     * @return the shift, or empty with fewer than two widths with an optimum
     */
    public java.util.OptionalInt shift(String param) {
        List<Optimum> o = optima().stream().filter(x -> x.param().equals(param)).toList();
        if (o.size() < 2) {
            return java.util.OptionalInt.empty();
        }
        int first = lrGrid.indexOf(o.get(0).log2Lr());
        int last = lrGrid.indexOf(o.get(o.size() - 1).log2Lr());
        return java.util.OptionalInt.of(Math.abs(last - first));
    }

    /**
     * Whether the loss at the optimum falls strictly with every step up in width.
     *
     * @param param the parametrization
     * @return true when wider is better at every width (and there are at least two)
     */
    public boolean widerIsBetter(String param) {
        List<Optimum> o = optima().stream().filter(x -> x.param().equals(param)).toList();
        if (o.size() < 2) {
            return false;
        }
        for (int i = 1; i < o.size(); i++) {
            if (!(o.get(i).loss() < o.get(i - 1).loss())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The best hyperparameters (all of them) of a parametrization at a width.
     *
     * @param param the parametrization
     * @param width the width
     * @return the best point, if any finished without diverging
     */
    public java.util.Optional<Best> best(String param, int width) {
        return java.util.Optional.ofNullable(best.getOrDefault(param, Map.of()).get(width));
    }

    /**
     * The JSON the report writes: {@code optima}, {@code shift}, {@code widerIsBetter}, and the
     * curves themselves.
     *
     * @return a tree Gson can write
     */
    public Map<String, Object> toJsonTree() {
        List<Map<String, Object>> optima = new ArrayList<>();
        for (Optimum o : optima()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("param", o.param());
            m.put("width", o.width());
            m.put("log2Lr", o.log2Lr());
            m.put("loss", o.loss());
            optima.add(m);
        }
        Map<String, Object> shift = new LinkedHashMap<>();
        Map<String, Object> wider = new LinkedHashMap<>();
        List<Map<String, Object>> curveList = new ArrayList<>();
        for (String param : parametrizations()) {
            java.util.OptionalInt n = shift(param);
            shift.put(param, n.isPresent() ? n.getAsInt() : null);
            wider.put(param, widerIsBetter(param));
            for (int width : widths(param)) {
                for (Point p : curve(param, width)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("param", param);
                    m.put("width", width);
                    m.put("log2Lr", p.log2Lr());
                    m.put("loss", Double.isNaN(p.loss()) ? null : p.loss());
                    curveList.add(m);
                }
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("optima", optima);
        root.put("shift", shift);
        root.put("widerIsBetter", wider);
        root.put("curves", curveList);
        return root;
    }
}
