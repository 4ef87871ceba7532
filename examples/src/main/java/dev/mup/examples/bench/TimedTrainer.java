package dev.mup.examples.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import dev.mup.examples.gpt.SequenceLoss;
import java.util.function.Function;

/**
 * One variant of the benchmark: a model, its optimizer and a DJL {@link Trainer} on a device,
 * stepped one batch at a time with the time of each step returned. Both variants go through
 * the same code, so whatever DJL's trainer costs is paid alike by each.
 */
final class TimedTrainer implements AutoCloseable {

    private final String name;
    private final Model model;
    private final Trainer trainer;

    private TimedTrainer(String name, Model model, Trainer trainer) {
        this.name = name;
        this.model = model;
        this.trainer = trainer;
    }

    /**
     * Initializes a block on a device and gets it ready to train.
     *
     * @param name what to call the variant in messages
     * @param block the model, not yet initialized
     * @param inputShape the shape of a batch of token ids
     * @param optimizer the optimizer of the initialized block (μP optimizers read its
     *     parameters)
     * @param device where to train
     * @param <B> the block's type
     * @return the variant
     */
    static <B extends Block> TimedTrainer start(
            String name, B block, Shape inputShape, Function<? super B, Optimizer> optimizer, Device device) {
        Model model = Model.newInstance(name, device);
        try {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, inputShape);
            DefaultTrainingConfig config = new DefaultTrainingConfig(new SequenceLoss())
                    .optOptimizer(optimizer.apply(block))
                    .optDevices(new Device[] {device});
            return new TimedTrainer(name, model, model.newTrainer(config));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Trainable scalars of the model.
     *
     * @return the sum of the sizes of its parameters
     */
    long parameters() {
        return model.getBlock().getParameters().values().stream()
                .mapToLong(p -> p.getArray().size())
                .sum();
    }

    /**
     * One training step: forward, loss, backward and the optimizer update, timed from before the
     * forward pass until the loss has been read back, which waits for every operation queued on
     * the device before it (the update included) on devices that run asynchronously. The batch
     * is borrowed for the step and given back; everything the step creates is closed with it.
     *
     * @param inputs token ids
     * @param labels the next token of each
     * @return milliseconds
     * @throws IllegalStateException if the loss is not finite
     */
    double step(NDList inputs, NDList labels) {
        try (NDManager stepManager = trainer.getManager().newSubManager()) {
            stepManager.tempAttachAll(inputs, labels);
            long start = System.nanoTime();
            NDArray loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                loss = trainer.getLoss().evaluate(labels, trainer.forward(inputs));
                collector.backward(loss);
            }
            trainer.step();
            float value = loss.getFloat();
            long end = System.nanoTime();
            if (!Float.isFinite(value)) {
                throw new IllegalStateException(name + " training diverged: loss " + value);
            }
            return (end - start) / 1e6;
        }
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
