package dev.mup.examples.resnet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.coord.CoordinateCheck;
import java.util.List;

/**
 * The coordinate check of the example {@link ResNet}: the same batches of images for every width
 * and seed, training mode (BatchNorm normalizes with the batch's statistics). Every convolution
 * ({@code stem}, {@code downsampling.0.conv1}, {@code blocks.1.conv2}, ...) and the readout are
 * observed; the BatchNorms are not (DJL's BatchNorm has no hook).
 */
public final class ResNetCoordinateCheck {

    private ResNetCoordinateCheck() {}

    /**
     * Configures the check on the engine's default device, in float32.
     *
     * @param options μP or SP, and the other options of the model
     * @param rule Adam or SGD
     * @param lr the global learning rate
     * @param widths the widths (channels of the first stage)
     * @param steps steps T
     * @param seeds seeds averaged over
     * @param data the images, one channel
     * @param batch images per step
     * @param stages stages of the network
     * @param blocksPerStage blocks per stage
     * @return the check, ready to run
     */
    public static CoordinateCheck create(
            MuOptions options,
            UpdateRule rule,
            float lr,
            List<Integer> widths,
            int steps,
            int seeds,
            ImageData data,
            int batch,
            int stages,
            int blocksPerStage) {
        int size = data.size();
        Shape input = new Shape(batch, 1, size, size);
        return CoordinateCheck.builder()
                .widths(widths)
                .steps(steps)
                .seeds(seeds)
                .models((width, seed, manager) -> {
                    Engine.getInstance().setRandomSeed(2000 + seed);
                    ResNetMuP model = new ResNetMuP(
                            options, width, 1, ImageData.CLASSES, stages, blocksPerStage);
                    model.initialize(manager, DataType.FLOAT32, input);
                    return model;
                })
                .optimizers(m -> rule == UpdateRule.SGD ? m.sgd(lr).build() : m.adam(lr).build())
                .batches((manager, step) -> new NDList[] {
                    new NDList(manager.create(data.images(step * batch, batch), input)),
                    new NDList(manager.create(data.labels(step * batch, batch)))
                })
                .build();
    }
}
