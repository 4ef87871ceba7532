package dev.mup.tests.resnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mup.examples.resnet.ImageData;
import dev.mup.examples.resnet.ResNetMuP;
import dev.mup.examples.resnet.ResNetTraining;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.ParameterClass;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example ResNet: ResNet-18's layout parametrized with one width (every convolution of the
 * blocks hidden, the stem input-like, every BatchNorm input-like, the readout output-like), and a
 * short training run on the synthetic images when Fashion-MNIST is absent, which says so.
 */
class ResNetModelTest {

    @Test
    void resNet18LayoutIsParametrizedWithOneWidth() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ResNetMuP net = new ResNetMuP(MuOptions.defaults(), 32, 1, 10, 4, 2);
            net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 28, 28));
            Map<String, MuParameter> p = new LinkedHashMap<>();
            for (MuParameter parameter : net.muParametrization().parameters()) {
                p.put(parameter.name(), parameter);
            }
            // stem, 5 identity blocks (2 convs + 2 norms), 3 projection blocks (3 convs + 3 norms)
            long convolutions = p.keySet().stream().filter(n -> n.endsWith(".weight") && !n.startsWith("readout"))
                    .count();
            assertEquals(1 + 5 * 2 + 3 * 3, convolutions);
            assertEquals(ParameterClass.INPUT_LIKE, p.get("stem.weight").parameterClass());
            assertEquals(ParameterClass.INPUT_LIKE, p.get("stemNorm.gamma").parameterClass());
            MuParameter last = p.get("blocks.4.conv2.weight");
            assertEquals(java.util.List.of(256L, 256L, 3L, 3L), last.shape());
            assertEquals(ParameterClass.HIDDEN, last.parameterClass());
            assertEquals(2.0, last.fanInMultiplier(), 0, "one width: 32 / 16 for every stage");
            assertEquals(256 * 9, last.fanIn());
            MuParameter shortcut = p.get("downsampling.2.shortcut.weight");
            assertEquals(java.util.List.of(256L, 128L, 1L, 1L), shortcut.shape());
            assertEquals(ParameterClass.HIDDEN, shortcut.parameterClass());
            assertEquals(ParameterClass.OUTPUT_LIKE, p.get("readout.weight").parameterClass());
            assertEquals(2.0, p.get("readout.weight").fanInMultiplier(), 0);
            assertTrue(p.keySet().stream().noneMatch(n -> n.contains("running")));
        }
    }

    @Test
    void trainsOnTheSyntheticImagesWithoutFashionMnistAndSaysSo(@TempDir Path empty) throws Exception {
        ResNetTraining.Settings settings = new ResNetTraining.Settings(
                8, 2, 1, 15, 16, 0.01f, 240, 160, dev.mup.runtime.Parametrization.MUP, empty);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ResNetTraining.Result result =
                ResNetTraining.run(settings, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(result.synthetic());
        assertTrue(log.contains("Fashion-MNIST is not installed under " + empty), log);
        assertTrue(log.contains("training on the built-in synthetic images"), log);
        // measured: 2.42 → 0.84 and accuracy 0.81 after 15 steps of 16
        float first = result.losses().get(0);
        float last = (result.losses().get(12) + result.losses().get(13) + result.losses().get(14)) / 3;
        assertTrue(last < 0.5 * first, "training loss falls: " + first + " → " + last);
        assertTrue(result.testAccuracy() > 0.5, "test accuracy " + result.testAccuracy() + " (chance 0.1)");
    }

    @Test
    void readsFashionMnistWhenInstalled() throws Exception {
        Path dir = ImageData.FASHION_MNIST;
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isReadable(dir.resolve("t10k-images-idx3-ubyte.gz")),
                "Debian's dataset-fashion-mnist is not installed");
        ImageData test = ImageData.fashionMnistOrSynthetic(dir, false, 100, 1);
        assertEquals(100, test.count());
        assertEquals(28, test.size());
        assertTrue(!test.synthetic());
        // the first test images of Fashion-MNIST are an ankle boot, a pullover and a trouser
        assertEquals(java.util.List.of(9L, 2L, 1L), java.util.Arrays.stream(test.labels(0, 3)).boxed().toList());
    }
}
