package dev.mup.tests.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.ParameterScaling;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 1 at run time (no parameter of a μP model outside the μP table, unless declared
 * unscaled on purpose) and item 9's model that keeps its own list of its layers.
 */
class EscapeTest {

    private static final int WIDTH = 32;
    private static final Shape INPUT = new Shape(4, 5);

    private static void initialized(MuModel model, Consumer<MuModel> check) {
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, DataType.FLOAT32, INPUT);
            check.accept(model);
        }
    }

    private static final List<String> BODY_PARAMETERS = List.of(
            "body.01Linear.weight", "body.01Linear.bias", "body.03Linear.weight", "body.03Linear.bias");

    @Test
    void aSequentialBlockBodyOutsideTheTableFailsWithTheListAndTheFix() {
        initialized(new EscapeModels_BodyMlpMuP(WIDTH), model -> {
            List<Runnable> asks = List.of(
                    () -> model.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.DECOUPLED),
                    () -> model.muParametrization().parameters(),
                    () -> model.muParametrization().scalingById(UpdateRule.SGD, WeightDecayMode.COUPLED),
                    () -> model.adam(1e-3f).build(),
                    () -> model.sgd(0.1f).build());
            for (Runnable ask : asks) {
                IllegalStateException e = assertThrows(IllegalStateException.class, ask::run);
                String message = e.getMessage();
                assertTrue(message.startsWith("BodyMlp has 4 parameters outside the μP table"), message);
                for (String name : BODY_PARAMETERS) {
                    assertTrue(message.contains(name), name + " in: " + message);
                }
                assertTrue(message.contains("(in 'body', a SequentialBlock): μP cannot see the layers inside a"
                        + " SequentialBlock (a role on it is refused): put them in a @MuBlock class"), message);
                assertTrue(message.contains("or annotate 'body' with @MuUnscaled to keep it unscaled on"
                        + " purpose"), message);
                assertFalse(message.contains("input.weight"), message);
            }
        });
    }

    @Test
    void aCustomBlockAndANormWithoutRoleAreListedWithTheirFix() {
        initialized(new EscapeModels_MixedMlpMuP(WIDTH), model -> {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class, () -> model.adam(1e-3f).build());
            String message = e.getMessage();
            assertTrue(message.startsWith("MixedMlp has 4 parameters outside the μP table"), message);
            assertTrue(message.contains("gate.proj.weight (32, 32), gate.proj.bias (32) (in 'gate', a Gate):"
                    + " annotate its class Gate with @MuBlock and its layers with roles"), message);
            assertTrue(message.contains("norm.gamma (32), norm.beta (32) (in 'norm', a MuLayerNorm): annotate"
                    + " 'norm' with @MuInput when its size grows with the width, or annotate 'norm' with"
                    + " @MuUnscaled"), message);
        });
    }

    @Test
    void theCheckNeedsNoValues() {
        // Before initialization the structure is already wrong: that is said first.
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new EscapeModels_BodyMlpMuP(WIDTH).muParametrization().parameters());
        assertTrue(e.getMessage().contains("outside the μP table"), e.getMessage());
    }

    @Test
    void aBodyKeptUnscaledOnPurposeIsInTheTableAsUnscaled() {
        initialized(new EscapeModels_UnscaledBodyMlpMuP(WIDTH), model -> {
            List<ParameterReport> rows =
                    model.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED);
            assertEquals(
                    List.of("input.weight", "input.bias", "readout.weight", "readout.bias",
                            "body.01Linear.weight", "body.01Linear.bias", "body.03Linear.weight",
                            "body.03Linear.bias"),
                    rows.stream().map(r -> r.parameter().name()).collect(Collectors.toList()),
                    "all 8 parameters of the model");
            for (ParameterReport row : rows.subList(4, 8)) {
                assertEquals(ParameterClass.UNSCALED, row.parameter().parameterClass(), row.toString());
                assertEquals("body", row.parameter().layer());
                ParameterScaling s = row.scaling();
                assertEquals(1.0, s.lrMultiplier(), row.toString());
                assertEquals(1.0, s.weightDecayMultiplier(), row.toString());
                assertEquals(1.0, s.forwardMultiplier(), row.toString());
                assertTrue(Double.isNaN(s.initStd()), "μP does not decide its init: " + row);
            }
            assertEquals(List.of(32L, 32L), rows.get(4).parameter().shape());
            assertEquals(ParameterClass.INPUT_LIKE, rows.get(0).parameter().parameterClass());

            // Init untouched: the body keeps DJL's initializers, μP's layers get μP's.
            for (Parameter p : model.getParameters().values()) {
                boolean inBody = model.muParametrization().unscaledBlocks().get("body")
                        .getParameters().values().contains(p);
                assertEquals(!inBody, p.getInitializer().getClass().getSimpleName().equals("MuInitializer"), p.getName());
            }

            // The optimizers know every parameter, the unscaled ones with multiplier 1.
            Map<String, ParameterScaling> byId =
                    model.muParametrization().scalingById(UpdateRule.SGD, WeightDecayMode.COUPLED);
            assertEquals(8, byId.size());
            for (Parameter p : model.getParameters().values()) {
                assertTrue(byId.containsKey(p.getId()), p.getName());
            }
            var sgd = model.sgd(0.1f).build();
            Parameter bodyWeight = model.muParametrization().unscaledBlocks().get("body")
                    .getParameters().get("01Linear_weight");
            assertEquals(1.0, sgd.scaling(bodyWeight.getId()).lrMultiplier());
            assertInstanceOf(dev.mup.runtime.MuOptimizer.class, model.adam(1e-3f).build());
        });
    }

    @Test
    void aModelKeepingItsOwnListOfLayersIsToldTheFieldHoldsTheReplacement() {
        initialized(new EscapeModels_ListMlpMuP(WIDTH), model -> {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> model.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED));
            String message = e.getMessage();
            assertTrue(message.contains("Parameter 'input.weight' of ListMlp has no value, although the model"
                    + " was initialized"), message);
            assertTrue(message.contains("the field 'input' (and the model's children) now hold the μP"
                    + " replacement, a MuLinear"), message);
            assertTrue(message.contains("read the layers from their annotated fields"), message);
            assertFalse(message.contains("call model.initialize"), message);
        });
    }
}
