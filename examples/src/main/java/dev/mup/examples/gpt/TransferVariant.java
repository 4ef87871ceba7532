package dev.mup.examples.gpt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the variant report ({@code mup variants}): an architectural or parametrization
 * choice of the example GPT whose learning-rate transfer is measured, after Lingle's study of
 * μTransfer (arXiv 2404.05728). A variant is a set of {@link GptTask} settings and a
 * parametrization; {@link #all()} lists them, the default GPT in μP first and its SP baseline
 * last.
 *
 * @param name the name on the command line and in the table, e.g. {@code rms-norm}
 * @param description what the variant changes, in words
 * @param parametrization {@code mup} or {@code sp}
 * @param settings the {@link GptTask} settings of the variant (empty for the default GPT)
 */
public record TransferVariant(String name, String description, String parametrization, Map<String, String> settings) {

    private static final List<TransferVariant> ALL = List.of(
            new TransferVariant("default", "the example GPT: LayerNorm, GELU, biases, fixed head size", "mup",
                    Map.of()),
            new TransferVariant("rms-norm", "RMSNorm with a trainable vector gain", "mup",
                    Map.of("norm", "rmsNorm")),
            new TransferVariant("rms-norm-no-gain", "RMSNorm without a gain", "mup",
                    ordered("norm", "rmsNorm", "gain", "none")),
            new TransferVariant("scalar-gains", "RMSNorm with one trainable scalar gain per norm", "mup",
                    ordered("norm", "rmsNorm", "gain", "scalar")),
            new TransferVariant("swiglu", "SwiGLU feed-forward instead of GELU", "mup",
                    Map.of("feedForward", "swiglu")),
            new TransferVariant("no-bias", "no biases in the attention and feed-forward projections", "mup",
                    Map.of("bias", "false")),
            new TransferVariant("fixed-heads", "fixed number of heads (head size grows), μP's α/d_head", "mup",
                    Map.of("heads", "fixedCount")),
            new TransferVariant("inverse-sqrt", "fixed number of heads, standard 1/√d_head logit scale", "mup",
                    ordered("heads", "fixedCount", "attentionScaling", "inverseSqrtHeadSize")),
            new TransferVariant("sp", "the example GPT in the standard parametrization (baseline)", "sp",
                    Map.of()));

    /** Checks and copies. */
    public TransferVariant {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("a variant's name must be lower case letters, digits and '-', got "
                    + name);
        }
        if (!"mup".equals(parametrization) && !"sp".equals(parametrization)) {
            throw new IllegalArgumentException("a variant's parametrization is mup or sp, got " + parametrization);
        }
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Every variant of the report, in the order of its table.
     *
     * @return the default GPT, the norms (RMSNorm with a vector gain, without a gain, with scalar
     *     gains), SwiGLU, no biases, a fixed head count with μP's and with the standard attention
     *     scale, and the default GPT in SP
     */
    public static List<TransferVariant> all() {
        return ALL;
    }

    /**
     * The variants of the given names, in the given order.
     *
     * @param names names from {@link #all()}, each at most once
     * @return the variants
     * @throws IllegalArgumentException naming an unknown or repeated name and the known ones
     */
    public static List<TransferVariant> named(List<String> names) {
        List<TransferVariant> chosen = new ArrayList<>();
        for (String n : names) {
            TransferVariant v = ALL.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("unknown variant '" + n + "'; the variants: "
                            + String.join(", ", ALL.stream().map(TransferVariant::name).toList())));
            if (chosen.contains(v)) {
                throw new IllegalArgumentException("variant '" + n + "' is named twice");
            }
            chosen.add(v);
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no variant chosen; the variants: "
                    + String.join(", ", ALL.stream().map(TransferVariant::name).toList()));
        }
        return chosen;
    }

    private static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
