package dev.mup.workflow.sweep;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import dev.mup.runtime.EpsilonScaling;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.task.MuTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every trial of a sweep shares: the task and its settings, the data, the optimizer and the
 * training length. Together with the search space it is the sweep's definition, stored with its
 * trials so that a store is never mixed with another sweep and a report or transfer knows what it
 * reads. Nothing in it is particular to a model: the task is named by the name it was given
 * (a short name or a class name) and its own settings are kept as text.
 *
 * @param task the task, as {@link dev.mup.workflow.task.Tasks#create(String)} takes it
 * @param taskSettings the task's settings ({@link MuTask#settings()})
 * @param parametrizations {@code mup} and/or {@code sp}
 * @param widths the widths trained
 * @param seeds how many seeds per point (seeds 1 … n)
 * @param steps training steps per trial
 * @param batch examples per batch
 * @param optimizer {@code adam}, {@code adamw}, {@code sgd}, {@code adamw-scaled} (AdamW with
 *     CompleteP's and Megatron-LM's {@code λ · m_N} on hidden matrices, {@code WeightDecayMode.DECOUPLED_SCALED}),
 *     {@code adam-atan2}, {@code lion} or {@code lion-independent} ({@link #OPTIMIZERS})
 * @param beta1 Adam's β1 (momentum for SGD)
 * @param beta2 Adam's β2 (Lion's β2, the decay of its momentum, for Lion)
 * @param data what the task trains on ({@link MuTask#data()})
 * @param validBatches batches the validation loss is averaged over
 * @param space the search space, as {@link SearchSpace#describe()}
 * @param precision the arithmetic trials train in: it changes their losses, so workers in other
 *     precisions cannot join (the device does not, and is each worker's own choice)
 * @param epsilonScaling how μP scales Adam's ε ({@code MuOptions.epsilonScaling}); FIXED unless the
 *     optimizer has an ε ({@link #hasEpsilon(String)})
 * @param epsilon Adam's ε before its μP factor ({@link #DEFAULT_EPSILON} unless the optimizer has an ε)
 * @param depths the depths trained when the sweep's scaling axis is depth (then {@code widths}
 *     holds exactly one width and the smallest depth is the proxy); empty for a sweep over width
 * @param depthExponent the depth exponent α of every trial ({@code MuOptions.depthExponent}: 0
 *     off, ½ depth-μP, 1 CompleteP), in [0, 1]
 */
public record SweepSettings(
        String task,
        Map<String, String> taskSettings,
        List<String> parametrizations,
        List<Integer> widths,
        int seeds,
        int steps,
        int batch,
        String optimizer,
        double beta1,
        double beta2,
        String data,
        int validBatches,
        Map<String, Object> space,
        Precision precision,
        EpsilonScaling epsilonScaling,
        double epsilon,
        List<Integer> depths,
        double depthExponent) {

    /** The optimizers a sweep can train with. */
    public static final List<String> OPTIMIZERS = List.of("adam", "adamw", "sgd", "adam-atan2", "lion", "lion-independent",
            "adamw-scaled");

    /** Adam's ε when none is given (MuAdam's default). */
    public static final double DEFAULT_EPSILON = 1e-8;

    /**
     * Settings of a sweep over width with Adam's default ε ({@link #DEFAULT_EPSILON},
     * {@link EpsilonScaling#FIXED}) and no depth scaling (no depths, α = 0): the settings of every
     * sweep written before ε and depth were settings.
     *
     * @param task see the record
     * @param taskSettings see the record
     * @param parametrizations see the record
     * @param widths see the record
     * @param seeds see the record
     * @param steps see the record
     * @param batch see the record
     * @param optimizer see the record
     * @param beta1 see the record
     * @param beta2 see the record
     * @param data see the record
     * @param validBatches see the record
     * @param space see the record
     * @param precision see the record
     */
    public SweepSettings(String task, Map<String, String> taskSettings, List<String> parametrizations,
            List<Integer> widths, int seeds, int steps, int batch, String optimizer, double beta1, double beta2,
            String data, int validBatches, Map<String, Object> space, Precision precision) {
        this(task, taskSettings, parametrizations, widths, seeds, steps, batch, optimizer, beta1, beta2, data,
                validBatches, space, precision, EpsilonScaling.FIXED, DEFAULT_EPSILON, List.of(), 0);
    }

    /**
     * Whether an optimizer of a sweep adds Adam's ε to {@code √v̂} (so that {@link #epsilon()} and
     * {@link #epsilonScaling()} mean something).
     *
     * @param optimizer a name of {@link #OPTIMIZERS}
     * @return true for {@code adam}, {@code adamw} and {@code adamw-scaled}
     */
    public static boolean hasEpsilon(String optimizer) {
        return "adam".equals(optimizer) || "adamw".equals(optimizer) || "adamw-scaled".equals(optimizer);
    }

    /**
     * These settings with another Adam ε (a transfer's target trained with the scaled ε, say).
     *
     * @param scaling how μP scales ε
     * @param eps ε before its μP factor
     * @return the new settings
     * @throws IllegalArgumentException as the constructor
     */
    public SweepSettings withEpsilon(EpsilonScaling scaling, double eps) {
        return new SweepSettings(task, taskSettings, parametrizations, widths, seeds, steps, batch, optimizer,
                beta1, beta2, data, validBatches, space, precision, scaling, eps, depths, depthExponent);
    }

    /** The {@code kind} of a definition these settings write. */
    public static final String KIND = "mup-sweep";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Checks the settings. */
    public SweepSettings {
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("the sweep's task is missing");
        }
        if (parametrizations.isEmpty()
                || parametrizations.stream().anyMatch(p -> !"mup".equals(p) && !"sp".equals(p))) {
            throw new IllegalArgumentException("--param takes mup and/or sp, got " + parametrizations);
        }
        if (widths.isEmpty() || widths.stream().anyMatch(w -> w <= 0)
                || widths.stream().distinct().count() != widths.size()) {
            throw new IllegalArgumentException("--widths must be distinct positive integers, got " + widths);
        }
        if (seeds <= 0 || steps <= 0 || batch <= 0 || validBatches <= 0) {
            throw new IllegalArgumentException("--seeds, --steps, --batch and --valid-batches must be positive");
        }
        if (!OPTIMIZERS.contains(optimizer)) {
            throw new IllegalArgumentException("Unknown --optimizer '" + optimizer + "': use adam, adamw, sgd,"
                    + " adamw-scaled, adam-atan2, lion or lion-independent");
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("--beta1 and --beta2 must be in [0, 1)");
        }
        if (precision == null) {
            throw new IllegalArgumentException("the sweep's precision is missing");
        }
        if (epsilonScaling == null) {
            throw new IllegalArgumentException("the sweep's ε scaling is missing");
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("--epsilon must be a positive number, got " + epsilon);
        }
        if (!hasEpsilon(optimizer) && (epsilonScaling != EpsilonScaling.FIXED || epsilon != DEFAULT_EPSILON)) {
            throw new IllegalArgumentException("--epsilon and --epsilon-scaling apply to Adam's ε (adam, adamw, adamw-scaled); "
                    + optimizer + (optimizer.equals("adam-atan2") ? " has no ε" : " adds no ε to its step"));
        }
        depths = depths == null ? List.of() : depths;
        if (depths.stream().anyMatch(d -> d == null || d <= 0) || depths.stream().distinct().count() != depths.size()) {
            throw new IllegalArgumentException("--depths must be distinct positive integers, got " + depths);
        }
        if (!depths.isEmpty() && widths.size() != 1) {
            throw new IllegalArgumentException("--depths varies depth at one fixed width: give exactly one"
                    + " --widths value, got " + widths);
        }
        if (!(depthExponent >= 0 && depthExponent <= 1)) {
            throw new IllegalArgumentException("--depth-exponent must be in [0, 1] (0 off, 0.5 depth-μP,"
                    + " 1 CompleteP), got " + depthExponent);
        }
        taskSettings = taskSettings == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(taskSettings));
        parametrizations = List.copyOf(parametrizations);
        widths = List.copyOf(widths.stream().sorted().toList());
        depths = List.copyOf(depths.stream().sorted().toList());
        depthExponent = depthExponent == 0.0 ? 0.0 : depthExponent;
        space = Map.copyOf(space);
        data = data == null ? task : data;
    }

    /**
     * Checks the settings against their task: every width and every searched hyperparameter.
     *
     * @param t the task, configured with {@link #taskSettings()}
     * @throws IllegalArgumentException naming what the task refuses
     */
    public void check(MuTask t) {
        widths.forEach(t::checkWidth);
        depths.forEach(t::checkDepth);
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (String part : List.of("grid", "ranges")) {
            if (space.get(part) instanceof Map<?, ?> m) {
                m.keySet().forEach(k -> keys.add(String.valueOf(k)));
            }
        }
        for (String key : keys) {
            Hyperparameter h = Hyperparameter.of(key);
            if (!t.hyperparameters().contains(h)) {
                throw new IllegalArgumentException("The task " + t.name() + " does not accept " + key
                        + "; it accepts " + t.hyperparameters());
            }
        }
    }

    /**
     * The definition stored with the trials: the same settings always give the same text. The
     * precision is written only when it is not float32, the ε scaling and ε (last) only when they
     * are not the defaults, so that the definitions of sweeps that do not set them do not change.
     *
     * @return pretty-printed JSON with keys in a fixed order
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", KIND);
        m.put("task", task);
        if (!taskSettings.isEmpty()) {
            m.put("taskSettings", taskSettings);
        }
        m.put("parametrizations", parametrizations);
        m.put("widths", widths);
        m.put("seeds", seeds);
        m.put("steps", steps);
        m.put("batch", batch);
        m.put("optimizer", optimizer);
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("data", data);
        m.put("validBatches", validBatches);
        if (precision != Precision.FP32) {
            m.put("precision", precision.toString());
        }
        if (!depths.isEmpty()) {
            m.put("depths", depths);
        }
        if (depthExponent != 0) {
            m.put("depthExponent", depthExponent);
        }
        m.put("space", new TreeMap<>(space));
        if (epsilonScaling != EpsilonScaling.FIXED) {
            m.put("epsilonScaling", epsilonScaling.name());
        }
        if (epsilon != DEFAULT_EPSILON) {
            m.put("epsilon", epsilon);
        }
        return GSON.toJson(m);
    }

    /**
     * Whether a stored definition is one these settings wrote.
     *
     * @param json a store's definition
     * @return true when {@link #fromJson} reads it
     */
    public static boolean isSettings(String json) {
        try {
            Map<String, Object> m = GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
            return m != null && KIND.equals(m.get("kind"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Reads a stored definition. Definitions written before tasks (with a {@code model} and its
     * {@code sequence}, {@code layers} and {@code headSize}) are read as the example task of that
     * name with those settings.
     *
     * @param json the text {@link #toJson()} wrote
     * @return the settings
     * @throws IllegalArgumentException if it is not a sweep definition of this kind
     */
    public static SweepSettings fromJson(String json) {
        Map<String, Object> m = GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
        if (m == null || !KIND.equals(m.get("kind"))) {
            throw new IllegalArgumentException("The store's definition is not a mup-workflow sweep");
        }
        @SuppressWarnings("unchecked")
        List<String> params = (List<String>) m.get("parametrizations");
        @SuppressWarnings("unchecked")
        List<Double> widths = (List<Double>) m.get("widths");
        @SuppressWarnings("unchecked")
        Map<String, Object> space = (Map<String, Object>) m.get("space");
        Map<String, String> settings = new TreeMap<>();
        Object stored = m.get("taskSettings");
        if (stored instanceof Map<?, ?> map) {
            map.forEach((k, v) -> settings.put(String.valueOf(k), String.valueOf(v)));
        }
        String task = (String) m.get("task");
        if (task == null) {
            task = (String) m.get("model");
            for (String key : List.of("sequence", "layers", "headSize")) {
                if (m.get(key) instanceof Number n) {
                    settings.put(key, String.valueOf(n.intValue()));
                }
            }
        }
        return new SweepSettings(
                task,
                settings,
                params,
                widths.stream().map(Double::intValue).toList(),
                integer(m, "seeds", 1),
                integer(m, "steps", 1),
                integer(m, "batch", 1),
                (String) m.get("optimizer"),
                ((Number) m.get("beta1")).doubleValue(),
                ((Number) m.get("beta2")).doubleValue(),
                (String) m.get("data"),
                integer(m, "validBatches", 1),
                space,
                m.containsKey("precision") ? Precision.parse((String) m.get("precision")) : Precision.FP32,
                m.containsKey("epsilonScaling") ? EpsilonScaling.valueOf((String) m.get("epsilonScaling"))
                        : EpsilonScaling.FIXED,
                m.get("epsilon") instanceof Number e ? e.doubleValue() : DEFAULT_EPSILON,
                m.get("depths") instanceof List<?> ds ? ds.stream().map(d -> ((Number) d).intValue()).toList() : List.of(),
                m.get("depthExponent") instanceof Number a ? a.doubleValue() : 0);
    }

    /**
     * Whether the sweep's scaling axis is depth.
     *
     * @return true when it has depths
     */
    public boolean overDepth() {
        return !depths.isEmpty();
    }

    /**
     * The name of the sweep's scaling axis, for tables and plots.
     *
     * @return {@code depth} or {@code width}
     */
    public String axis() {
        return overDepth() ? "depth" : "width";
    }

    private static int integer(Map<String, Object> m, String key, int fallback) {
        Object v = m.get(key);
        return v == null ? fallback : ((Number) v).intValue();
    }
}
