package dev.mup.tests.coord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.examples.mlp.MlpTask;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.workflow.coord.TaskCoordinateCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The coordinate check of the example MLP over a 16× range of widths (64 to 1024) with Adam:
 * under μP every hidden layer's mean |activation| at t = 4 stays within 1.5× across widths;
 * under SP, with the same learning rate, at least one hidden layer spreads by more than 3×.
 */
class MlpCoordinateCheckTest {

    private static final List<Integer> WIDTHS = List.of(64, 128, 256, 512, 1024);
    private static final List<String> HIDDEN_LAYERS = List.of("input", "hidden");

    private static CoordinateCheckResult check(Parametrization parametrization) {
        MuOptions options = MuOptions.builder().parametrization(parametrization).build();
        return TaskCoordinateCheck.builder(new MlpTask()).options(options).optimizer(UpdateRule.ADAM)
                .learningRate(0.01f).widths(WIDTHS).steps(4).seeds(2).build().run((d, t) -> {});
    }

    @Test
    void underMupHiddenActivationsStayFlat() {
        CoordinateCheckResult result = check(Parametrization.MUP);
        assertEquals(WIDTHS, result.widths());
        assertEquals(4, result.steps());
        assertEquals(List.of("input", "hidden", "readout", "output"), result.layers());
        for (String layer : HIDDEN_LAYERS) {
            for (int t = 1; t <= 4; t++) {
                assertTrue(result.spread(layer, t) <= 1.5,
                        "μP " + layer + " at t = " + t + ": spread " + result.spread(layer, t));
            }
        }
    }

    @Test
    void underSpHiddenActivationsGrowWithWidth() {
        CoordinateCheckResult result = check(Parametrization.SP);
        double worst = HIDDEN_LAYERS.stream().mapToDouble(l -> result.spread(l, 4)).max().orElseThrow();
        assertTrue(worst > 3, "SP should blow up after Adam steps; worst hidden spread " + worst);
        assertTrue(result.growth("hidden", 4) > 3, "and it grows (not shrinks) with width");
        assertTrue(result.spread("hidden", 1) <= 1.5, "at init (t = 1) SP is still flat");
    }
}
