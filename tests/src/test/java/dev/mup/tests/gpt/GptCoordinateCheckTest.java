package dev.mup.tests.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.examples.gpt.GptTask;
import dev.mup.examples.gpt.TiedGptTask;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.tests.support.SharedData;
import dev.mup.workflow.coord.TaskCoordinateCheck;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The coordinate check of the example GPT on Tiny Shakespeare over a 16× range of widths with
 * Adam: under μP every hidden layer's mean |activation| at t = 4 stays within 1.5× across widths;
 * under SP, with the same learning rate, at least one hidden layer spreads by more than 3×.
 */
class GptCoordinateCheckTest {

    private static final List<Integer> WIDTHS = List.of(32, 64, 128, 256, 512);
    private static final List<Integer> TIED_WIDTHS = List.of(64, 128, 256, 512);
    private static final float LR = 0.01f;

    private static CoordinateCheckResult check(Parametrization parametrization, boolean tiedReadout)
            throws IOException {
        return check(parametrization, tiedReadout, WIDTHS);
    }

    private static CoordinateCheckResult check(
            Parametrization parametrization, boolean tiedReadout, List<Integer> widths) throws IOException {
        GptTask task = tiedReadout ? new TiedGptTask() : new GptTask();
        task.configure("text", SharedData.tinyShakespeare().toString());
        MuOptions options = MuOptions.builder().parametrization(parametrization).build();
        return TaskCoordinateCheck.builder(task).options(options).optimizer(UpdateRule.ADAM).learningRate(LR)
                .widths(widths).steps(4).seeds(2).build().run((d, t) -> {});
    }

    /** Layers whose output lives in the hidden (width-sized) space: every Linear but the readout. */
    private static List<String> hiddenLayers(CoordinateCheckResult result) {
        List<String> hidden = new ArrayList<>();
        for (String layer : result.layers()) {
            if (layer.matches("blocks\\.\\d+\\.(attention\\.(query|key|value|output)|up|down)")) {
                hidden.add(layer);
            }
        }
        return hidden;
    }

    @Test
    void underMupEveryLayerIsRecordedAndHiddenActivationsStayFlat() throws IOException {
        CoordinateCheckResult result = check(Parametrization.MUP, false);
        assertEquals(WIDTHS, result.widths());
        List<String> layers = result.layers();
        for (String expected : List.of("tokens", "positions", "blocks.0.attentionNorm", "blocks.0.attention.query",
                "blocks.0.attention.logits", "blocks.1.up", "blocks.1.down", "finalNorm", "readout", "output")) {
            assertTrue(layers.contains(expected), expected + " recorded; layers: " + layers);
        }
        List<String> hidden = hiddenLayers(result);
        assertEquals(12, hidden.size(), "4 projections + up + down in each of 2 blocks: " + hidden);
        for (String layer : hidden) {
            assertTrue(result.spread(layer, 4) <= 1.5,
                    "μP " + layer + " at t = 4: spread " + result.spread(layer, 4));
        }
    }

    @Test
    void underSpSomeHiddenActivationGrowsWithWidth() throws IOException {
        CoordinateCheckResult result = check(Parametrization.SP, false);
        String worst = result.worstLayer(hiddenLayers(result));
        assertTrue(result.spread(worst, 4) > 3,
                "SP should blow up after Adam steps; worst hidden layer " + worst + " spreads "
                        + result.spread(worst, 4));
        assertTrue(result.growth(worst, 4) > 1, "and it grows (not shrinks) with width");
    }

    @Test
    void withTiedReadoutUnderMupHiddenActivationsStayFlatAndLogitsDoNotGrow() throws IOException {
        // from the base width up: below it (width 32, logit multiplier 2) the random part of
        // x·Eᵀ/m, which shrinks like 1/√m, still dominates the logits and saturates the softmax
        CoordinateCheckResult result = check(Parametrization.MUP, true, TIED_WIDTHS);
        List<String> hidden = hiddenLayers(result);
        assertEquals(12, hidden.size(), "4 projections + up + down in each of 2 blocks: " + hidden);
        for (String layer : hidden) {
            assertTrue(result.spread(layer, 4) <= 1.5,
                    "μP tied GPT " + layer + " at t = 4: spread " + result.spread(layer, 4));
        }
        // without the 1/m on the logits, the table's updates, aligned with the hidden state,
        // would make x·Eᵀ grow like the width (SP's tied logits grow ~10× over this range)
        assertTrue(result.growth("output", 4) <= 1,
                "μP tied GPT logits at t = 4 must not grow with width: wide/narrow "
                        + result.growth("output", 4));
    }
}
