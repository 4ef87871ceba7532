package dev.mup.tests.resnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.examples.resnet.ImageData;
import dev.mup.examples.resnet.ResNetCoordinateCheck;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.coord.CoordinateCheckResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The coordinate check of a small example ResNet (2 stages of 1 block, 12×12 synthetic images,
 * widths 8 to 128, four MuAdam steps at lr 0.01): under μP every convolution's mean |output| at
 * the last step stays within 1.5× across the 16× range of widths (measured: at most 1.24); under
 * SP, with the same learning rate, the hidden convolutions spread by more than 3× and grow with
 * width (measured: 4.6× to 7.3×).
 */
class ResNetCoordinateCheckTest {

    private static final List<Integer> WIDTHS = List.of(8, 16, 32, 64, 128);
    private static final int STEPS = 4;
    private static final List<String> CONVOLUTIONS = List.of(
            "stem", "blocks.0.conv1", "blocks.0.conv2",
            "downsampling.0.conv1", "downsampling.0.conv2", "downsampling.0.shortcut");
    private static final ImageData DATA = ImageData.synthetic(STEPS * 16, 12, 5);

    private static CoordinateCheckResult check(Parametrization parametrization) {
        MuOptions options = MuOptions.builder().parametrization(parametrization).build();
        return ResNetCoordinateCheck.create(options, UpdateRule.ADAM, 0.01f, WIDTHS, STEPS, 1, DATA, 16, 2, 1)
                .run((done, total) -> {});
    }

    @Test
    void underMupConvolutionsStayFlat() {
        CoordinateCheckResult result = check(Parametrization.MUP);
        assertTrue(result.layers().containsAll(CONVOLUTIONS), "observed: " + result.layers());
        assertTrue(result.layers().contains("readout"), "observed: " + result.layers());
        for (String layer : CONVOLUTIONS) {
            assertTrue(result.spread(layer, STEPS) <= 1.5,
                    "μP " + layer + " at t = " + STEPS + ": spread " + result.spread(layer, STEPS));
        }
    }

    @Test
    void underSpHiddenConvolutionsGrowWithWidth() {
        CoordinateCheckResult result = check(Parametrization.SP);
        assertEquals(WIDTHS, result.widths());
        for (String layer : List.of("blocks.0.conv1", "blocks.0.conv2", "downsampling.0.conv1",
                "downsampling.0.conv2")) {
            assertTrue(result.spread(layer, STEPS) > 3,
                    "SP " + layer + " should spread after Adam steps: " + result.spread(layer, STEPS));
            assertTrue(result.growth(layer, STEPS) > 3, "and grow (not shrink) with width");
        }
    }
}
