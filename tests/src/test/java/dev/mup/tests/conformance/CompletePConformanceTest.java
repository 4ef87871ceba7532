package dev.mup.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.examples.gpt.TiedGptMuP;
import dev.mup.runtime.EpsilonScaling;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.MuResidual;
import dev.mup.runtime.MuTiedReadout;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterKind;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Depth scaling conforms to CompleteP: the example {@code TiedGptMuP} built in the reference's
 * shape (pre-LN GPT, vocabulary 65, context 32, head size 16, biases, tied readout, base width 64,
 * base depth 2) with {@code depthExponent(α)} gives, for every (α, width, depth) of
 * {@code reference/completep/completep_parametrization.json}, the reference's residual multiplier,
 * output multiplier, hidden init std, every parameter's Adam learning-rate multiplier and
 * weight decay, and ε factor, to 1e-12. Everything is read from the project's own
 * parametrization (the report, the residual connections and the tied readout), never recomputed
 * here. See {@code reference/completep/README.md} for the mapping of names and the two ε readings.
 */
class CompletePConformanceTest {

    private static final double TOLERANCE = 1e-12;
    private static final JsonObject REFERENCE = json("/reference/completep/completep_parametrization.json");

    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (JsonElement c : REFERENCE.getAsJsonArray("configs")) {
            JsonObject config = c.getAsJsonObject();
            out.add(Arguments.of(
                    config.get("alpha").getAsDouble(),
                    config.get("width").getAsInt(),
                    config.get("depth").getAsInt(),
                    config));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "α {0}, width {1}, depth {2}")
    @MethodSource("configs")
    void parametrizationMatchesCompleteP(double alpha, int width, int depth, JsonObject config) {
        assertEquals(64, REFERENCE.get("base_width").getAsInt());
        assertEquals(2, REFERENCE.get("base_depth").getAsInt());
        try (NDManager manager = NDManager.newBaseManager()) {
            MuParametrization global = build(manager, alpha, width, depth, EpsilonScaling.GLOBAL);
            MuParametrization hidden = build(manager, alpha, width, depth, EpsilonScaling.HIDDEN);

            // residual multiplier, on every residual connection of every block (attention and MLP
            // branches both go through the block's one MuResidual)
            double residual = config.get("residual_multiplier").getAsDouble();
            assertEquals(residual, global.residualMultiplier(), TOLERANCE, "residual multiplier");
            assertEquals(2 * depth, global.residuals().size(), "two residual connections per block");
            for (Map.Entry<String, MuResidual> e : global.residuals().entrySet()) {
                assertEquals(residual, e.getValue().scale(), TOLERANCE, e.getKey());
            }

            // output multiplier, on the logits of the tied readout
            MuTiedReadout readout = global.tiedReadouts().values().iterator().next();
            assertEquals(config.get("output_multiplier").getAsDouble(), readout.logitMultiplier(), TOLERANCE,
                    "output multiplier");

            double epsGlobal = config.get("adam_eps_multiplier_global").getAsDouble();
            double hiddenStd = config.get("hidden_init_std").getAsDouble();
            Map<String, ParameterReport> ours = byName(global.report(UpdateRule.ADAM, WeightDecayMode.DECOUPLED_SCALED));
            Map<String, ParameterReport> oursHidden =
                    byName(hidden.report(UpdateRule.ADAM, WeightDecayMode.DECOUPLED_SCALED));
            Set<String> covered = new HashSet<>();
            for (JsonElement e : config.getAsJsonArray("parameters")) {
                JsonObject ref = e.getAsJsonObject();
                String name = ref.get("name").getAsString();
                List<String> mapped = ourNames(name);
                for (String n : mapped) {
                    ParameterReport row = ours.get(n);
                    assertTrue(row != null, name + " → " + n + " is not a parameter of the model: " + ours.keySet());
                    covered.add(n);
                    MuParameter p = row.parameter();
                    String what = name + " (" + n + ")";
                    // shapes agree, c_attn split in three
                    List<Long> refShape = new ArrayList<>();
                    ref.getAsJsonArray("shape").forEach(d -> refShape.add(d.getAsLong()));
                    if (name.contains("c_attn")) {
                        refShape.set(0, refShape.get(0) / 3);
                    }
                    assertEquals(refShape, p.shape(), what + " shape");

                    double lr = ref.get("lr_mult").getAsDouble();
                    assertEquals(lr, row.scaling().lrMultiplier(), TOLERANCE, what + " lr multiplier");
                    assertEquals(lr, oursHidden.get(n).scaling().lrMultiplier(), TOLERANCE, what + " lr multiplier");

                    double wd = ref.get("weight_decay").getAsDouble();
                    if (wd != 0) {
                        assertEquals(wd, row.scaling().weightDecayMultiplier(), TOLERANCE, what + " weight decay");
                        assertEquals(lr * wd, row.scaling().lrMultiplier() * row.scaling().weightDecayMultiplier(),
                                TOLERANCE, what + " applied decay lr·wd");
                    } else {
                        // excluded from decay by the reference: exactly the norms and biases, whose
                        // μP decay factor has no width or depth part
                        assertTrue(p.kind() == ParameterKind.BIAS || p.kind() == ParameterKind.NORM_GAIN
                                        || p.kind() == ParameterKind.NORM_BIAS,
                                what + " is excluded from decay by the reference but is a " + p.kind());
                        assertEquals(1.0, row.scaling().weightDecayMultiplier(), TOLERANCE, what + " weight decay");
                    }

                    // ε: nanoGPT-mup's global factor, and the paper's (blocks only)
                    assertEquals(epsGlobal, row.scaling().epsilonMultiplier(), TOLERANCE, what + " ε (GLOBAL)");
                    boolean inBlock = name.startsWith("transformer.h.");
                    assertEquals(inBlock, p.residualBlock(), what + " in a residual block");
                    assertEquals(inBlock ? epsGlobal : 1.0, oursHidden.get(n).scaling().epsilonMultiplier(),
                            TOLERANCE, what + " ε (HIDDEN)");

                    // init: block matrices 0.02/√m_N (no 1/√(2L)), embeddings 0.02
                    if (p.parameterClass() == ParameterClass.HIDDEN && p.kind() == ParameterKind.WEIGHT) {
                        assertEquals(hiddenStd, row.scaling().initStd(), TOLERANCE, what + " init std");
                    } else if (p.kind() == ParameterKind.EMBEDDING) {
                        assertEquals(0.02, row.scaling().initStd(), TOLERANCE, what + " init std");
                    }
                }
            }
            assertEquals(ours.keySet(), covered, "every parameter of the model is in the reference");
        }
    }

    private static MuParametrization build(
            NDManager manager, double alpha, int width, int depth, EpsilonScaling epsilon) {
        MuOptions options = MuOptions.builder()
                .depthExponent(alpha)
                .epsilonScaling(epsilon)
                .initMode(InitMode.normal(0.02))
                .build();
        TiedGptMuP model = new TiedGptMuP(options, 65, 32, depth, width, 16);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 32));
        return model.muParametrization();
    }

    private static Map<String, ParameterReport> byName(List<ParameterReport> rows) {
        Map<String, ParameterReport> out = new LinkedHashMap<>();
        rows.forEach(r -> out.put(r.parameter().name(), r));
        return out;
    }

    /** The parameters of the project's GPT that a nanoGPT-mup parameter corresponds to. */
    static List<String> ourNames(String reference) {
        String[] parts = reference.split("\\.");
        String suffix = parts[parts.length - 1];
        if (reference.startsWith("transformer.wte.")) {
            return List.of("tokens.embedding");
        }
        if (reference.startsWith("transformer.wpe.")) {
            return List.of("positions.embedding");
        }
        if (reference.startsWith("transformer.ln_f.")) {
            return List.of("finalNorm." + norm(suffix));
        }
        String block = "blocks." + parts[2] + ".";
        String module = reference.substring(("transformer.h." + parts[2] + ".").length(),
                reference.length() - suffix.length() - 1);
        switch (module) {
            case "ln_1":
                return List.of(block + "attentionNorm." + norm(suffix));
            case "ln_2":
                return List.of(block + "ffnNorm." + norm(suffix));
            case "attn.c_attn":
                return List.of(block + "attention.query." + suffix, block + "attention.key." + suffix,
                        block + "attention.value." + suffix);
            case "attn.c_proj":
                return List.of(block + "attention.output." + suffix);
            case "mlp.c_fc":
                return List.of(block + "up." + suffix);
            case "mlp.c_proj":
                return List.of(block + "down." + suffix);
            default:
                throw new IllegalArgumentException("unmapped reference parameter " + reference);
        }
    }

    private static String norm(String torchName) {
        return "weight".equals(torchName) ? "gamma" : "beta";
    }

    private static JsonObject json(String path) {
        try (InputStream in = CompletePConformanceTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
