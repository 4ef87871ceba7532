package dev.mup.workflow.sweep;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import dev.mup.runtime.precision.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every trial of a sweep shares: the model and its fixed sizes, the data, the optimizer and
 * the training length. Together with the search space it is the sweep's definition, stored with
 * its trials so that a store is never mixed with another sweep and a report or transfer knows
 * what it reads.
 *
 * @param model {@code mlp} or {@code gpt}
 * @param parametrizations {@code mup} and/or {@code sp}
 * @param widths the widths trained
 * @param seeds how many seeds per point (seeds 1 … n)
 * @param steps training steps per trial
 * @param batch examples (MLP) or sequences (GPT) per batch
 * @param sequence characters per sequence (GPT)
 * @param layers Transformer blocks (GPT)
 * @param headSize attention head size (GPT)
 * @param optimizer {@code adam}, {@code adamw} or {@code sgd}
 * @param beta1 Adam's β1 (momentum for SGD)
 * @param beta2 Adam's β2
 * @param data the data: "teacher" for the MLP, the text's name and length for the GPT
 * @param validBatches batches the validation loss is averaged over
 * @param space the search space, as {@link SearchSpace#describe()}
 * @param precision the arithmetic trials train in: it changes their losses, so workers in other
 *     precisions cannot join (the device does not, and is each worker's own choice)
 */
public record SweepSettings(
        String model,
        List<String> parametrizations,
        List<Integer> widths,
        int seeds,
        int steps,
        int batch,
        int sequence,
        int layers,
        int headSize,
        String optimizer,
        double beta1,
        double beta2,
        String data,
        int validBatches,
        Map<String, Object> space,
        Precision precision) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Checks the settings. */
    public SweepSettings {
        if (!"mlp".equals(model) && !"gpt".equals(model)) {
            throw new IllegalArgumentException("Unknown --model '" + model + "': use mlp or gpt");
        }
        if (parametrizations.isEmpty()
                || parametrizations.stream().anyMatch(p -> !"mup".equals(p) && !"sp".equals(p))) {
            throw new IllegalArgumentException("--param takes mup and/or sp, got " + parametrizations);
        }
        if (widths.isEmpty() || widths.stream().anyMatch(w -> w <= 0)
                || widths.stream().distinct().count() != widths.size()) {
            throw new IllegalArgumentException("--widths must be distinct positive integers, got " + widths);
        }
        if (seeds <= 0 || steps <= 0 || batch <= 0 || sequence <= 0 || layers <= 0 || headSize <= 0
                || validBatches <= 0) {
            throw new IllegalArgumentException(
                    "--seeds, --steps, --batch, --sequence, --layers, --head-size and --valid-batches must be positive");
        }
        if ("gpt".equals(model)) {
            for (int w : widths) {
                if (w % headSize != 0) {
                    throw new IllegalArgumentException(
                            "GPT widths must be multiples of --head-size " + headSize + ", got " + w);
                }
            }
        }
        if (!List.of("adam", "adamw", "sgd").contains(optimizer)) {
            throw new IllegalArgumentException("Unknown --optimizer '" + optimizer + "': use adam, adamw or sgd");
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("--beta1 and --beta2 must be in [0, 1)");
        }
        if (precision == null) {
            throw new IllegalArgumentException("the sweep's precision is missing");
        }
        parametrizations = List.copyOf(parametrizations);
        widths = List.copyOf(widths.stream().sorted().toList());
        space = Map.copyOf(space);
    }

    /**
     * The definition stored with the trials: the same settings always give the same text. The
     * precision is written only when it is not float32, so that stores of sweeps made before it
     * was an option keep their definition.
     *
     * @return pretty-printed JSON with keys in a fixed order
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "mup-sweep");
        m.put("model", model);
        m.put("parametrizations", parametrizations);
        m.put("widths", widths);
        m.put("seeds", seeds);
        m.put("steps", steps);
        m.put("batch", batch);
        if ("gpt".equals(model)) {
            m.put("sequence", sequence);
            m.put("layers", layers);
            m.put("headSize", headSize);
        }
        m.put("optimizer", optimizer);
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("data", data);
        m.put("validBatches", validBatches);
        if (precision != Precision.FP32) {
            m.put("precision", precision.toString());
        }
        m.put("space", new java.util.TreeMap<>(space));
        return GSON.toJson(m);
    }

    /**
     * Reads a stored definition.
     *
     * @param json the text {@link #toJson()} wrote
     * @return the settings
     * @throws IllegalArgumentException if it is not a sweep definition of this program
     */
    public static SweepSettings fromJson(String json) {
        Map<String, Object> m = GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
        if (m == null || !"mup-sweep".equals(m.get("kind"))) {
            throw new IllegalArgumentException("The store does not hold a sweep written by this program");
        }
        @SuppressWarnings("unchecked")
        List<String> params = (List<String>) m.get("parametrizations");
        @SuppressWarnings("unchecked")
        List<Double> widths = (List<Double>) m.get("widths");
        @SuppressWarnings("unchecked")
        Map<String, Object> space = (Map<String, Object>) m.get("space");
        return new SweepSettings(
                (String) m.get("model"),
                params,
                widths.stream().map(Double::intValue).toList(),
                integer(m, "seeds", 1),
                integer(m, "steps", 1),
                integer(m, "batch", 1),
                integer(m, "sequence", 1),
                integer(m, "layers", 1),
                integer(m, "headSize", 1),
                (String) m.get("optimizer"),
                ((Number) m.get("beta1")).doubleValue(),
                ((Number) m.get("beta2")).doubleValue(),
                (String) m.get("data"),
                integer(m, "validBatches", 1),
                space,
                m.containsKey("precision") ? Precision.parse((String) m.get("precision")) : Precision.FP32);
    }

    private static int integer(Map<String, Object> m, String key, int fallback) {
        Object v = m.get(key);
        return v == null ? fallback : ((Number) v).intValue();
    }
}
