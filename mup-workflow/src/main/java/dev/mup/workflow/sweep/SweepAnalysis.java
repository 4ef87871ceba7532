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
 * What a sweep found: for each parametrization and width, the loss ({@link Metric}: the
 * validation loss unless asked otherwise) against log2 of the learning rate (each point's loss is the mean over seeds, and, where other hyperparameters
 * were searched too, the best over them), the optimum of each curve, how far the optimum moves
 * from the narrowest to the widest width in grid steps, and whether the loss at the optimum
 * falls as the width grows ("wider is better").
 *
 * <p>The argmin alone misleads on a flat basin: two learning rates a grid step apart can differ
 * by less than the noise between seeds, so the grid argmin jumps while the curves still line up.
 * Two measures that do not have this weakness sit beside it:
 * <ul>
 *   <li>the <em>transfer regret</em> at each width: the loss at the proxy's best hyperparameters
 *       (the narrowest width's optimum, all hyperparameters of it) minus the best loss at that
 *       width, in loss units and relative to that best loss — what copying the proxy's values
 *       costs;
 *   <li>the <em>fitted optimum</em>: the vertex of the parabola in log2 lr through the grid
 *       argmin and its two neighbours, which moves continuously instead of by whole grid steps.
 * </ul>
 * {@link #transfers} gives the verdict from the regret (from the fitted optimum where the
 * proxy's point was not run at the other widths).
 *
 * <p>A point where any seed diverged counts as diverged: it has no loss and cannot be an
 * optimum. Trials not finished yet are left out.
 *
 * <p>The scaling axis is the width, or the depth when the sweep varied depth at one fixed width
 * ({@link SweepSettings#depths()}, trials with a {@link TrialSpec#depth()}): then everything said
 * here of widths holds of depths ("narrowest" is the shallowest, the proxy is the smallest
 * depth), the {@code width} of the records below holds the depth, and {@link #axis()} names the
 * axis for tables, JSON and plots.
 *
 * <p>Which loss: the held-out ({@link Metric#VALIDATION}) loss is the default, as in Tensor
 * Programs V's Transformer experiments. A model whose held-out loss is not a faithful measure of
 * training, most often one with BatchNorm scored in inference mode (its running statistics lag
 * the weights at large learning rates, so the held-out loss spikes where training went well),
 * is read on the {@link Metric#TRAINING} loss instead, as Tensor Programs V read its ResNets.
 * {@link #optimaApart} finds the widths where the two metrics disagree about the optimum.
 */
public final class SweepAnalysis {

    /** Which of a trial's two losses the curves are made of. */
    public enum Metric {
        /** The mean loss over the task's held-out batches after training, in inference mode. */
        VALIDATION("validation", "validation loss"),
        /** The mean training loss of the last tenth of the steps, in training mode. */
        TRAINING("training", "training loss");

        private final String key;
        private final String label;

        Metric(String key, String label) {
            this.key = key;
            this.label = label;
        }

        /**
         * The name in JSON and on the command line.
         *
         * @return {@code validation} or {@code training}
         */
        public String key() {
            return key;
        }

        /**
         * The name in tables and on plot axes.
         *
         * @return {@code validation loss} or {@code training loss}
         */
        public String label() {
            return label;
        }

        /**
         * The other loss, the one a disagreement is measured against.
         *
         * @return training for validation, validation for training
         */
        public Metric other() {
            return this == VALIDATION ? TRAINING : VALIDATION;
        }

        /**
         * The metric of a name.
         *
         * @param key {@code validation} or {@code training}, in any case
         * @return the metric
         * @throws IllegalArgumentException for another name
         */
        public static Metric of(String key) {
            for (Metric m : values()) {
                if (m.key.equalsIgnoreCase(key.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("the loss metric must be validation or training, got '" + key + "'");
        }

        /**
         * This loss of a trial.
         *
         * @param result the trial's result
         * @return its training or validation loss
         */
        public double loss(TrialResult result) {
            return this == TRAINING ? result.trainLoss() : result.validLoss();
        }
    }

    /**
     * A width where two analyses of the same sweep on different metrics put the optimum apart.
     *
     * @param param the parametrization
     * @param width the width (the depth in a sweep over depth)
     * @param here the optimum of this analysis
     * @param there the optimum of the other analysis
     * @param gridSteps how many grid steps apart they are (positive)
     */
    public record Disagreement(String param, int width, Optimum here, Optimum there, int gridSteps) {}

    /** One point of a curve. */
    public record Point(double log2Lr, double loss) {}

    /** The best point of a curve. */
    public record Optimum(String param, int width, double log2Lr, double loss) {}

    /** The best hyperparameters of one parametrization at one width. */
    public record Best(String param, int width, SortedMap<String, Double> hyperparameters, double loss) {}

    /**
     * The optimum of a curve located between grid points.
     *
     * @param param the parametrization
     * @param width the width
     * @param log2Lr the vertex of the parabola through the grid argmin and its neighbours; the
     *     argmin itself when it lies on the edge of the grid, when a neighbour diverged or when the
     *     three points do not bend upwards
     * @param loss the parabola's value there (the argmin's loss when not interpolated)
     * @param interpolated whether a parabola was fitted
     */
    public record FittedOptimum(String param, int width, double log2Lr, double loss, boolean interpolated) {}

    /**
     * What copying the proxy's best hyperparameters to one width costs.
     *
     * @param param the parametrization
     * @param width the width
     * @param proxyWidth the width whose best hyperparameters are copied
     * @param lossAtProxyBest the mean loss at this width with the proxy's best hyperparameters
     *     (NaN when that point diverged here)
     * @param bestLoss the best mean loss at this width
     * @param regret {@code lossAtProxyBest - bestLoss}, in loss units (≥ 0; +∞ when diverged)
     */
    public record TransferRegret(
            String param, int width, int proxyWidth, double lossAtProxyBest, double bestLoss, double regret) {

        /**
         * The regret relative to the best loss at this width.
         *
         * @return {@code regret / |bestLoss|}
         */
        public double relativeRegret() {
            return regret / Math.abs(bestLoss);
        }
    }

    /**
     * The default tolerance of {@link #transfers}: copying the proxy's values may cost at most 1%
     * of the best loss at any width.
     */
    public static final double DEFAULT_REGRET_TOLERANCE = 0.01;

    /** The scaling axis of a sweep over width. */
    public static final String WIDTH = "width";

    /** The scaling axis of a sweep over depth. */
    public static final String DEPTH = "depth";

    private final Map<String, Map<Integer, List<Point>>> curves;
    private final String axis;
    private final Metric metric;
    private final List<Double> lrGrid;
    private final Map<String, Map<Integer, Best>> best;
    /** Mean loss over seeds of every point run, by parametrization, width and hyperparameters. */
    private final Map<String, Map<Integer, Map<SortedMap<String, Double>, Double>>> means;

    private SweepAnalysis(Map<String, Map<Integer, List<Point>>> curves, List<Double> lrGrid,
            Map<String, Map<Integer, Best>> best,
            Map<String, Map<Integer, Map<SortedMap<String, Double>, Double>>> means, String axis, Metric metric) {
        this.curves = curves;
        this.axis = axis;
        this.metric = metric;
        this.lrGrid = lrGrid;
        this.best = best;
        this.means = means;
    }

    /**
     * Analyses the trials of a sweep on their validation loss.
     *
     * @param trials every trial of the store
     * @return the analysis
     */
    public static SweepAnalysis of(List<TrialRecord> trials) {
        return of(trials, Metric.VALIDATION);
    }

    /**
     * Analyses the trials of a sweep on one of their losses.
     *
     * @param trials every trial of the store
     * @param metric the loss the curves are made of
     * @return the analysis
     */
    public static SweepAnalysis of(List<TrialRecord> trials, Metric metric) {
        java.util.Objects.requireNonNull(metric, "metric");
        // mean over seeds of each (param, width, hyperparameters) point; NaN when a seed diverged
        Map<String, Map<Integer, Map<SortedMap<String, Double>, double[]>>> points = new TreeMap<>();
        boolean overDepth = trials.stream().anyMatch(r -> r.spec().hasDepth());
        if (overDepth && trials.stream().anyMatch(r -> !r.spec().hasDepth())) {
            throw new IllegalArgumentException("the trials mix a depth axis and none: they are not one sweep");
        }
        if (overDepth && trials.stream().map(r -> r.spec().width()).distinct().count() > 1) {
            throw new IllegalArgumentException("a sweep over depth has one width; these trials have "
                    + trials.stream().map(r -> r.spec().width()).distinct().sorted().toList());
        }
        for (TrialRecord r : trials) {
            if (r.status() != TrialStatus.COMPLETED && r.status() != TrialStatus.DIVERGED) {
                continue;
            }
            double loss = r.status() == TrialStatus.DIVERGED ? Double.NaN : metric.loss(r.result());
            double[] sum = points.computeIfAbsent(r.spec().parametrization(), k -> new TreeMap<>())
                    .computeIfAbsent(overDepth ? r.spec().depth() : r.spec().width(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(new TreeMap<>(r.spec().hyperparameters()), k -> new double[2]);
            sum[0] += loss;
            sum[1]++;
        }
        Map<String, Map<Integer, Map<SortedMap<String, Double>, Double>>> means = new TreeMap<>();
        points.forEach((param, byWidth) -> byWidth.forEach((width, byPoint) -> byPoint.forEach(
                (hyperparameters, sum) -> means.computeIfAbsent(param, k -> new TreeMap<>())
                        .computeIfAbsent(width, k -> new LinkedHashMap<>())
                        .put(hyperparameters, sum[0] / sum[1]))));
        return fromMeans(means, overDepth ? DEPTH : WIDTH, metric);
    }

    /**
     * As {@link #ofCurves(List)}, for curves along a given axis: each point's {@code width} is
     * then its value on that axis.
     *
     * @param points the points of the curves; a null or NaN loss is a diverged point
     * @param axis {@link #WIDTH} or {@link #DEPTH}
     * @return the analysis
     * @throws IllegalArgumentException for another axis
     */
    public static SweepAnalysis ofCurves(List<CurvePoint> points, String axis) {
        return ofCurves(points, axis, Metric.VALIDATION);
    }

    /**
     * As {@link #ofCurves(List, String)}, for curves of a given loss.
     *
     * @param points the points of the curves; a null or NaN loss is a diverged point
     * @param axis {@link #WIDTH} or {@link #DEPTH}
     * @param metric the loss the points are
     * @return the analysis
     * @throws IllegalArgumentException for another axis
     */
    public static SweepAnalysis ofCurves(List<CurvePoint> points, String axis, Metric metric) {
        if (!WIDTH.equals(axis) && !DEPTH.equals(axis)) {
            throw new IllegalArgumentException("the axis must be width or depth, got '" + axis + "'");
        }
        return fromMeans(means(points), axis, java.util.Objects.requireNonNull(metric, "metric"));
    }

    /**
     * The loss the curves are made of.
     *
     * @return the metric
     */
    public Metric metric() {
        return metric;
    }

    /**
     * The sweep's scaling axis: {@link #WIDTH}, or {@link #DEPTH} for a sweep over depth at one
     * width, whose "widths" in this class's methods are depths.
     *
     * @return {@code width} or {@code depth}
     */
    public String axis() {
        return axis;
    }

    /**
     * Analyses the curves of an earlier report ({@link #toJsonTree()}'s {@code curves}: loss
     * against log2 lr per parametrization and width), for a sweep whose store is gone. Only the
     * learning rate is known then, so the transfer regret copies the proxy's learning rate.
     *
     * @param points the points of the curves; a null or NaN loss is a diverged point
     * @return the analysis
     */
    public static SweepAnalysis ofCurves(List<CurvePoint> points) {
        return fromMeans(means(points), WIDTH, Metric.VALIDATION);
    }

    private static Map<String, Map<Integer, Map<SortedMap<String, Double>, Double>>> means(List<CurvePoint> points) {
        Map<String, Map<Integer, Map<SortedMap<String, Double>, Double>>> means = new TreeMap<>();
        for (CurvePoint p : points) {
            SortedMap<String, Double> hyperparameters = new TreeMap<>();
            hyperparameters.put(Hyperparameter.LOG2_LR.key(), p.log2Lr());
            means.computeIfAbsent(p.param(), k -> new TreeMap<>())
                    .computeIfAbsent(p.width(), k -> new LinkedHashMap<>())
                    .put(hyperparameters, p.loss());
        }
        return means;
    }

    /**
     * One point of a curve in a report.
     *
     * @param param the parametrization
     * @param width the width
     * @param log2Lr log2 of the learning rate
     * @param loss the loss, NaN where diverged
     */
    public record CurvePoint(String param, int width, double log2Lr, double loss) {}

    private static SweepAnalysis fromMeans(Map<String, Map<Integer, Map<SortedMap<String, Double>, Double>>> means,
            String axis, Metric metric) {
        Map<String, Map<Integer, List<Point>>> curves = new TreeMap<>();
        Map<String, Map<Integer, Best>> best = new TreeMap<>();
        TreeSet<Double> lrs = new TreeSet<>();
        means.forEach((param, byWidth) -> byWidth.forEach((width, byPoint) -> {
            TreeMap<Double, Double> curve = new TreeMap<>();
            Best b = null;
            for (Map.Entry<SortedMap<String, Double>, Double> e : byPoint.entrySet()) {
                double mean = e.getValue();
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
        return new SweepAnalysis(curves, List.copyOf(lrs), best, means, axis, metric);
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
     * The widths where this analysis and another of the same sweep (on the other metric, say) put
     * the grid optimum at least {@code minGridSteps} apart. Steps are counted on the union of both
     * analyses' learning-rate grids.
     *
     * @param other another analysis of the same trials
     * @param minGridSteps the smallest distance reported, at least 1
     * @return the disagreements, by parametrization then width
     * @throws IllegalArgumentException when {@code minGridSteps < 1}
     */
    public List<Disagreement> optimaApart(SweepAnalysis other, int minGridSteps) {
        if (minGridSteps < 1) {
            throw new IllegalArgumentException("minGridSteps must be at least 1, got " + minGridSteps);
        }
        TreeSet<Double> grid = new TreeSet<>(lrGrid);
        grid.addAll(other.lrGrid);
        List<Double> steps = List.copyOf(grid);
        List<Disagreement> out = new ArrayList<>();
        for (Optimum here : optima()) {
            java.util.Optional<Optimum> there = other.optimum(here.param(), here.width());
            if (there.isPresent()) {
                int apart = Math.abs(steps.indexOf(here.log2Lr()) - steps.indexOf(there.get().log2Lr()));
                if (apart >= minGridSteps) {
                    out.add(new Disagreement(here.param(), here.width(), here, there.get(), apart));
                }
            }
        }
        return out;
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
     * The optimum of a curve between grid points: the vertex of the parabola in log2 lr through
     * the grid argmin and its two neighbours on the curve.
     *
     * @param param the parametrization
     * @param width the width
     * @return the fitted optimum, if the curve has a finite point
     */
    public java.util.Optional<FittedOptimum> fittedOptimum(String param, int width) {
        List<Point> curve = curve(param, width);
        java.util.Optional<Optimum> argmin = optimum(param, width);
        if (argmin.isEmpty()) {
            return java.util.Optional.empty();
        }
        Optimum o = argmin.get();
        FittedOptimum atArgmin = new FittedOptimum(param, width, o.log2Lr(), o.loss(), false);
        int i = 0;
        while (curve.get(i).log2Lr() != o.log2Lr()) {
            i++;
        }
        if (i == 0 || i == curve.size() - 1) {
            return java.util.Optional.of(atArgmin);
        }
        Point a = curve.get(i - 1);
        Point b = curve.get(i);
        Point c = curve.get(i + 1);
        if (Double.isNaN(a.loss()) || Double.isNaN(c.loss())) {
            return java.util.Optional.of(atArgmin);
        }
        // divided differences: y = b + d1·(x - xb) + d2·(x - xb)(x - xa) through the three points
        double d1 = (b.loss() - a.loss()) / (b.log2Lr() - a.log2Lr());
        double d2 = ((c.loss() - b.loss()) / (c.log2Lr() - b.log2Lr()) - d1) / (c.log2Lr() - a.log2Lr());
        if (!(d2 > 0)) {
            return java.util.Optional.of(atArgmin);
        }
        // y' = d1 + d2·(2x - xa - xb) = 0
        double x = (a.log2Lr() + b.log2Lr()) / 2 - d1 / (2 * d2);
        double y = b.loss() + d1 * (x - b.log2Lr()) + d2 * (x - b.log2Lr()) * (x - a.log2Lr());
        return java.util.Optional.of(new FittedOptimum(param, width, x, y, true));
    }

    /**
     * How far the fitted optimum moves from the narrowest to the widest width, in grid steps
     * (the median spacing of the swept log2 learning rates), as an absolute value.
     *
     * @param param the parametrization
     * @return the shift, or empty with fewer than two widths with an optimum
     */
    public java.util.OptionalDouble fittedShift(String param) {
        List<FittedOptimum> fits = new ArrayList<>();
        for (int width : widths(param)) {
            fittedOptimum(param, width).ifPresent(fits::add);
        }
        if (fits.size() < 2 || lrGrid.size() < 2) {
            return java.util.OptionalDouble.empty();
        }
        double[] gaps = new double[lrGrid.size() - 1];
        for (int i = 1; i < lrGrid.size(); i++) {
            gaps[i - 1] = lrGrid.get(i) - lrGrid.get(i - 1);
        }
        java.util.Arrays.sort(gaps);
        double step = gaps[gaps.length / 2];
        double moved = fits.get(fits.size() - 1).log2Lr() - fits.get(0).log2Lr();
        return java.util.OptionalDouble.of(Math.abs(moved) / step);
    }

    /**
     * Whether the grid optimum of a curve is the lowest or the highest learning rate swept: then
     * the true optimum may lie beyond the grid, and neither the shift nor the regret can be
     * trusted until the grid is widened.
     *
     * @param param the parametrization
     * @param width the width
     * @return true when the optimum sits on an end of the swept learning rates
     */
    public boolean optimumAtGridEdge(String param, int width) {
        java.util.Optional<Optimum> o = optimum(param, width);
        if (o.isEmpty() || lrGrid.size() < 2) {
            return false;
        }
        double x = o.get().log2Lr();
        return x == lrGrid.get(0) || x == lrGrid.get(lrGrid.size() - 1);
    }

    /**
     * The proxy of a parametrization: its narrowest width with a finite optimum.
     *
     * @param param the parametrization
     * @return the proxy width, if any width has an optimum
     */
    public java.util.OptionalInt proxyWidth(String param) {
        return widths(param).stream()
                .filter(w -> best(param, w).isPresent())
                .mapToInt(Integer::intValue)
                .findFirst();
    }

    /**
     * The transfer regret at every width, copying the best hyperparameters of the narrowest
     * width.
     *
     * @param param the parametrization
     * @return one entry per width where the proxy's point was run, narrowest first
     */
    public List<TransferRegret> transferRegrets(String param) {
        java.util.OptionalInt proxy = proxyWidth(param);
        return proxy.isPresent() ? transferRegrets(param, proxy.getAsInt()) : List.of();
    }

    /**
     * The transfer regret at every width, copying the best hyperparameters of a given proxy
     * width: the mean loss with those hyperparameters minus the best mean loss at the width.
     *
     * @param param the parametrization
     * @param proxyWidth the width whose best hyperparameters are copied
     * @return one entry per width with an optimum where the proxy's point was run, narrowest
     *     first (+∞ regret where it diverged)
     * @throws IllegalArgumentException when the proxy width has no finite optimum
     */
    public List<TransferRegret> transferRegrets(String param, int proxyWidth) {
        Best proxy = best(param, proxyWidth).orElseThrow(() -> new IllegalArgumentException(
                "width " + proxyWidth + " has no finished, finite trial for " + param));
        List<TransferRegret> out = new ArrayList<>();
        for (int width : widths(param)) {
            Best here = best(param, width).orElse(null);
            Double loss = means.getOrDefault(param, Map.of()).getOrDefault(width, Map.of())
                    .get(proxy.hyperparameters());
            if (here == null || loss == null) {
                continue;
            }
            double regret = Double.isNaN(loss) ? Double.POSITIVE_INFINITY : loss - here.loss();
            out.add(new TransferRegret(param, width, proxyWidth, loss, here.loss(), regret));
        }
        return out;
    }

    /**
     * The largest relative transfer regret over the widths other than the proxy.
     *
     * @param param the parametrization
     * @return the largest {@link TransferRegret#relativeRegret()}, or empty when no other width has
     *     the proxy's point
     */
    public java.util.OptionalDouble maxRelativeRegret(String param) {
        return transferRegrets(param).stream()
                .filter(r -> r.width() != r.proxyWidth())
                .mapToDouble(TransferRegret::relativeRegret)
                .max();
    }

    /**
     * Whether the proxy's hyperparameters transfer. Where the sweep ran the proxy's best point at
     * the other widths, the answer is the transfer regret: copying the proxy's values costs at
     * most the tolerance at every width, whatever the argmin does on a flat basin (and however
     * many hyperparameters were searched). Otherwise (a random search that never repeated the
     * proxy's point), the fitted optimum of the learning rate must move by at most one grid step.
     *
     * @param param the parametrization
     * @param regretTolerance the largest acceptable relative regret, e.g. 0.01 for 1%
     * @return the verdict; false with fewer than two widths
     */
    public boolean transfers(String param, double regretTolerance) {
        java.util.OptionalDouble regret = maxRelativeRegret(param);
        if (regret.isPresent()) {
            return regret.getAsDouble() <= regretTolerance;
        }
        java.util.OptionalDouble shift = fittedShift(param);
        return shift.isPresent() && shift.getAsDouble() <= 1.0;
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
        return toJsonTree(DEFAULT_REGRET_TOLERANCE);
    }

    /**
     * The JSON the report writes: {@code optima} (each with its {@code fittedLog2Lr}),
     * {@code shift} (grid argmin, in grid steps), {@code fittedShift}, {@code transferRegret}
     * (per width: {@code proxyWidth}, {@code lossAtProxyBest}, {@code bestLoss}, {@code regret},
     * {@code relativeRegret}; null where the proxy's point diverged), {@code maxRelativeRegret},
     * {@code transfers} (the verdict at the given tolerance), {@code regretTolerance},
     * {@code widerIsBetter}, {@code metric} ({@code validation} or {@code training}: the loss of
     * every {@code loss} here), and the curves themselves. Over depth, the root has {@code "axis":
     * "depth"} and the keys {@code width}, {@code proxyWidth} and {@code widerIsBetter} are
     * {@code depth}, {@code proxyDepth} and {@code deeperIsBetter}; a sweep over width writes no
     * {@code axis} (width), as before.
     *
     * @param regretTolerance the tolerance of the verdict
     * @return a tree Gson can write
     */
    public Map<String, Object> toJsonTree(double regretTolerance) {
        String proxyKey = "proxy" + Character.toUpperCase(axis.charAt(0)) + axis.substring(1);
        List<Map<String, Object>> optima = new ArrayList<>();
        for (Optimum o : optima()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("param", o.param());
            m.put(axis, o.width());
            m.put("log2Lr", o.log2Lr());
            m.put("loss", o.loss());
            FittedOptimum fit = fittedOptimum(o.param(), o.width()).orElseThrow();
            m.put("fittedLog2Lr", fit.log2Lr());
            m.put("fittedLoss", fit.loss());
            m.put("fitted", fit.interpolated());
            m.put("atGridEdge", optimumAtGridEdge(o.param(), o.width()));
            optima.add(m);
        }
        Map<String, Object> shift = new LinkedHashMap<>();
        Map<String, Object> fittedShift = new LinkedHashMap<>();
        Map<String, Object> maxRegret = new LinkedHashMap<>();
        Map<String, Object> transfers = new LinkedHashMap<>();
        List<Map<String, Object>> regrets = new ArrayList<>();
        Map<String, Object> wider = new LinkedHashMap<>();
        List<Map<String, Object>> curveList = new ArrayList<>();
        for (String param : parametrizations()) {
            java.util.OptionalInt n = shift(param);
            shift.put(param, n.isPresent() ? n.getAsInt() : null);
            java.util.OptionalDouble f = fittedShift(param);
            fittedShift.put(param, f.isPresent() ? f.getAsDouble() : null);
            java.util.OptionalDouble r = maxRelativeRegret(param);
            maxRegret.put(param, r.isPresent() && Double.isFinite(r.getAsDouble()) ? r.getAsDouble() : null);
            transfers.put(param, transfers(param, regretTolerance));
            for (TransferRegret t : transferRegrets(param)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("param", param);
                m.put(axis, t.width());
                m.put(proxyKey, t.proxyWidth());
                m.put("lossAtProxyBest", Double.isNaN(t.lossAtProxyBest()) ? null : t.lossAtProxyBest());
                m.put("bestLoss", t.bestLoss());
                m.put("regret", Double.isFinite(t.regret()) ? t.regret() : null);
                m.put("relativeRegret", Double.isFinite(t.regret()) ? t.relativeRegret() : null);
                regrets.add(m);
            }
            wider.put(param, widerIsBetter(param));
            for (int width : widths(param)) {
                for (Point p : curve(param, width)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("param", param);
                    m.put(axis, width);
                    m.put("log2Lr", p.log2Lr());
                    m.put("loss", Double.isNaN(p.loss()) ? null : p.loss());
                    curveList.add(m);
                }
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        if (DEPTH.equals(axis)) {
            root.put("axis", axis);
        }
        root.put("metric", metric.key());
        root.put("optima", optima);
        root.put("shift", shift);
        root.put("fittedShift", fittedShift);
        root.put("transferRegret", regrets);
        root.put("maxRelativeRegret", maxRegret);
        root.put("regretTolerance", regretTolerance);
        root.put("transfers", transfers);
        root.put(DEPTH.equals(axis) ? "deeperIsBetter" : "widerIsBetter", wider);
        root.put("curves", curveList);
        return root;
    }
}
