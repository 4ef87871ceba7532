package dev.mup.runtime.coord;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The records of a coordinate check, with the questions people ask of them: how much does a
 * layer's activation scale change across widths, and is every layer flat?
 */
public final class CoordinateCheckResult {

    /** Name under which the model's own output is recorded. */
    public static final String OUTPUT = "output";

    /** The axis of an ordinary coordinate check. */
    public static final String WIDTH = "width";

    /** The axis of a check that varies depth at one width. */
    public static final String DEPTH = "depth";

    private final List<CoordinateRecord> records;
    private final String axis;

    /**
     * Wraps records of a check across widths.
     *
     * @param records the records, in any order
     */
    public CoordinateCheckResult(List<CoordinateRecord> records) {
        this(records, WIDTH);
    }

    /**
     * Wraps records of a check along an axis: each record's {@code width} is its value on it.
     *
     * @param records the records, in any order
     * @param axis {@link #WIDTH} or {@link #DEPTH}
     * @throws IllegalArgumentException for another axis
     */
    public CoordinateCheckResult(List<CoordinateRecord> records, String axis) {
        this.records = List.copyOf(records);
        this.axis = CoordinateCheck.checkAxis(axis);
    }

    /**
     * What the check varied: {@link #WIDTH}, or {@link #DEPTH} when it varied depth at one width
     * (then {@link #widths()} and every record's {@code width} are depths, and "wide/narrow" reads
     * deep/shallow). Tables, JSON and plots name the axis from here.
     *
     * @return {@code width} or {@code depth}
     */
    public String axis() {
        return axis;
    }

    /**
     * All records.
     *
     * @return the records
     */
    public List<CoordinateRecord> records() {
        return records;
    }

    /**
     * The layers, in the order they were first recorded (forward order), the output last. Only
     * layers recorded at every width are listed: in a check over depth, the blocks that only the
     * deeper models have are left out (the last block of each is there as {@code …last…}, see
     * {@link CoordinateCheck.Builder#axis(String)}).
     *
     * @return layer names
     */
    public List<String> layers() {
        Set<String> out = new LinkedHashSet<>();
        int sizes = widths().size();
        java.util.Map<String, Set<Integer>> at = new java.util.HashMap<>();
        records.forEach(r -> at.computeIfAbsent(r.layer(), k -> new TreeSet<>()).add(r.width()));
        for (CoordinateRecord r : records) {
            if (!OUTPUT.equals(r.layer()) && at.get(r.layer()).size() == sizes) {
                out.add(r.layer());
            }
        }
        List<String> list = new ArrayList<>(out);
        if (records.stream().anyMatch(r -> OUTPUT.equals(r.layer()))) {
            list.add(OUTPUT);
        }
        return list;
    }

    /**
     * The widths, ascending.
     *
     * @return widths
     */
    public List<Integer> widths() {
        Set<Integer> out = new TreeSet<>();
        records.forEach(r -> out.add(r.width()));
        return new ArrayList<>(out);
    }

    /**
     * The number of steps recorded.
     *
     * @return the last {@code t}
     */
    public int steps() {
        return records.stream().mapToInt(CoordinateRecord::t).max().orElse(0);
    }

    /**
     * The recorded {@code l1} of a layer.
     *
     * @param layer the layer
     * @param width the width
     * @param t the step
     * @return the value
     * @throws IllegalArgumentException when nothing was recorded there
     */
    public double l1(String layer, int width, int t) {
        return records.stream()
                .filter(r -> r.layer().equals(layer) && r.width() == width && r.t() == t)
                .mapToDouble(CoordinateRecord::l1)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "no record for layer " + layer + ", width " + width + ", t = " + t));
    }

    /**
     * How much a layer's {@code l1} varies across widths at a step: largest over smallest.
     * 1 means perfectly flat; an activation that grows like the width over a 16× range gives 16.
     *
     * @param layer the layer
     * @param t the step
     * @return max over min of {@code l1} across widths (infinite if some value is 0 or NaN)
     */
    public double spread(String layer, int t) {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int width : widths()) {
            double v = l1(layer, width, t);
            if (!(v > 0) || Double.isInfinite(v)) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        return max / min;
    }

    /**
     * Whether {@code l1} grows with width at a step: the value at the widest width over the value
     * at the narrowest.
     *
     * @param layer the layer
     * @param t the step
     * @return widest over narrowest
     */
    public double growth(String layer, int t) {
        List<Integer> w = widths();
        return l1(layer, w.get(w.size() - 1), t) / l1(layer, w.get(0), t);
    }

    /**
     * Whether a layer only shrinks as width grows at a step: its {@code l1} is largest at the
     * narrowest width and smallest at the widest (and not equal). Under μP a readout's or the
     * attention logits' output starts with a random part that vanishes as width grows (like
     * {@code 1/√width} for a tied readout, whose table keeps a width-independent scale); at early
     * steps that part can still dominate, so these layers shrink toward their limit. Growth, not
     * shrinking, is what an unstable parametrization shows.
     *
     * @param layer the layer
     * @param t the step
     * @return true when the narrowest width has the largest value and the widest the smallest
     */
    public boolean shrinks(String layer, int t) {
        List<Integer> w = widths();
        double narrow = l1(layer, w.get(0), t);
        double wide = l1(layer, w.get(w.size() - 1), t);
        if (!(wide < narrow)) {
            return false;
        }
        for (int width : w) {
            double v = l1(layer, width, t);
            if (!(v <= narrow && v >= wide)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The layer with the largest spread at the last step, among the given ones.
     *
     * @param layers the layers to consider
     * @return the worst layer
     */
    public String worstLayer(List<String> layers) {
        int t = steps();
        String worst = layers.get(0);
        for (String layer : layers) {
            if (spread(layer, t) > spread(worst, t)) {
                worst = layer;
            }
        }
        return worst;
    }
}
