package dev.mup.workflow.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Which hyperparameter values a sweep tries: a grid (every combination of the listed values) or
 * a random search (a fixed number of points drawn uniformly from ranges, from a seed, so that
 * every worker of the sweep computes the same points).
 *
 * <p>Values are written {@code name=a:b:step} (from {@code a} to {@code b} inclusive),
 * {@code name=v1,v2,...} or {@code name=v}; random ranges {@code name=lo:hi}.
 */
public final class SearchSpace {

    private final Map<Hyperparameter, List<Double>> grid;
    private final Map<Hyperparameter, double[]> ranges;
    private final int samples;
    private final long seed;

    private SearchSpace(Map<Hyperparameter, List<Double>> grid, Map<Hyperparameter, double[]> ranges,
            int samples, long seed) {
        this.grid = grid;
        this.ranges = ranges;
        this.samples = samples;
        this.seed = seed;
    }

    /**
     * A grid.
     *
     * @param entries {@code name=values} entries, at least one
     * @return the space
     * @throws IllegalArgumentException for an empty grid, an unknown name, a name given twice or a
     *     malformed or invalid value
     */
    public static SearchSpace grid(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new IllegalArgumentException(
                    "The grid is empty: give at least one --grid name=values, e.g. --grid log2Lr=-12:-4:1");
        }
        Map<Hyperparameter, List<Double>> grid = new LinkedHashMap<>();
        for (String entry : entries) {
            String[] kv = split(entry);
            Hyperparameter h = Hyperparameter.of(kv[0]);
            List<Double> values = values(h, kv[1], entry);
            if (grid.put(h, values) != null) {
                throw new IllegalArgumentException(h.key() + " is given twice in the grid");
            }
        }
        return new SearchSpace(Collections.unmodifiableMap(grid), Map.of(), 0, 0);
    }

    /**
     * A random search.
     *
     * @param samples how many points
     * @param entries {@code name=lo:hi} ranges, at least one
     * @param seed the seed the points are drawn from
     * @return the space
     * @throws IllegalArgumentException for no ranges, a non-positive count, an unknown name or a
     *     malformed range
     */
    public static SearchSpace random(int samples, List<String> entries, long seed) {
        if (samples <= 0) {
            throw new IllegalArgumentException("--random needs a positive number of points, got " + samples);
        }
        if (entries == null || entries.isEmpty()) {
            throw new IllegalArgumentException(
                    "A random search needs at least one --range name=lo:hi, e.g. --range log2Lr=-12:-4");
        }
        Map<Hyperparameter, double[]> ranges = new LinkedHashMap<>();
        for (String entry : entries) {
            String[] kv = split(entry);
            Hyperparameter h = Hyperparameter.of(kv[0]);
            String[] bounds = kv[1].split(":");
            if (bounds.length != 2) {
                throw new IllegalArgumentException("Malformed range '" + entry + "': use name=lo:hi");
            }
            double lo = h.check(number(bounds[0], entry));
            double hi = h.check(number(bounds[1], entry));
            if (!(lo < hi)) {
                throw new IllegalArgumentException("Empty range '" + entry + "': lo must be below hi");
            }
            if (ranges.put(h, new double[] {lo, hi}) != null) {
                throw new IllegalArgumentException(h.key() + " is given twice in the ranges");
            }
        }
        return new SearchSpace(Map.of(), Collections.unmodifiableMap(ranges), samples, seed);
    }

    /**
     * The points, in a fixed order.
     *
     * @return one map of hyperparameter key to value per point
     */
    public List<SortedMap<String, Double>> points() {
        List<SortedMap<String, Double>> points = new ArrayList<>();
        if (samples > 0) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < samples; i++) {
                SortedMap<String, Double> point = new TreeMap<>();
                ranges.forEach((h, r) -> {
                    double v = r[0] + random.nextDouble() * (r[1] - r[0]);
                    point.put(h.key(), h == Hyperparameter.WARMUP_STEPS ? Math.rint(v) : v);
                });
                points.add(point);
            }
            return points;
        }
        points.add(new TreeMap<>());
        for (Map.Entry<Hyperparameter, List<Double>> e : grid.entrySet()) {
            List<SortedMap<String, Double>> next = new ArrayList<>();
            for (SortedMap<String, Double> point : points) {
                for (double v : e.getValue()) {
                    SortedMap<String, Double> p = new TreeMap<>(point);
                    p.put(e.getKey().key(), v);
                    next.add(p);
                }
            }
            points = next;
        }
        return points;
    }

    /**
     * A description for the sweep's definition: two spaces that describe alike give the same
     * points.
     *
     * @return grid values or ranges, count and seed
     */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        if (samples > 0) {
            Map<String, List<Double>> r = new LinkedHashMap<>();
            ranges.forEach((h, v) -> r.put(h.key(), List.of(v[0], v[1])));
            d.put("random", samples);
            d.put("seed", seed);
            d.put("ranges", r);
        } else {
            Map<String, List<Double>> g = new LinkedHashMap<>();
            grid.forEach((h, v) -> g.put(h.key(), v));
            d.put("grid", g);
        }
        return d;
    }

    private static String[] split(String entry) {
        int eq = entry.indexOf('=');
        if (eq <= 0 || eq == entry.length() - 1) {
            throw new IllegalArgumentException(
                    "Malformed entry '" + entry + "': use name=a:b:step, name=v1,v2 or name=v");
        }
        return new String[] {entry.substring(0, eq).trim(), entry.substring(eq + 1).trim()};
    }

    private static List<Double> values(Hyperparameter h, String text, String entry) {
        List<Double> values = new ArrayList<>();
        if (text.contains(":")) {
            String[] p = text.split(":");
            if (p.length != 3) {
                throw new IllegalArgumentException("Malformed range '" + entry + "': use name=a:b:step");
            }
            double from = number(p[0], entry);
            double to = number(p[1], entry);
            double step = number(p[2], entry);
            if (!(step > 0) || to < from) {
                throw new IllegalArgumentException(
                        "Range '" + entry + "' needs a positive step and an end not below its start");
            }
            long n = Math.round(Math.floor((to - from) / step + 1e-9)) + 1;
            if (n > 10_000) {
                throw new IllegalArgumentException("Range '" + entry + "' has " + n + " values: too many");
            }
            for (long i = 0; i < n; i++) {
                values.add(h.check(from + i * step));
            }
        } else {
            for (String v : text.split(",")) {
                values.add(h.check(number(v, entry)));
            }
        }
        if (values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException("'" + entry + "' lists a value twice");
        }
        return List.copyOf(values);
    }

    private static double number(String text, String entry) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.trim() + "' in '" + entry + "' is not a number");
        }
    }
}
