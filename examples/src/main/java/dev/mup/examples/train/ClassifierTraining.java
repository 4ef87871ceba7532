package dev.mup.examples.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.mup.examples.data.TeacherTask;
import dev.mup.runtime.precision.Precision;
import dev.mup.runtime.precision.TrainingStep;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Trains a classifier through DJL's {@link Trainer} on a {@link TeacherTask}, with mean softmax
 * cross-entropy, and records the loss of every step. The block must already be initialized
 * (with a manager the caller owns, which keeps its parameters alive after training, on the device
 * trained on) and the optimizer built for it.
 */
public final class ClassifierTraining {

    private ClassifierTraining() {}

    /**
     * Runs {@code steps} training steps on consecutive batches, in float32 on the engine's default
     * device.
     *
     * @param block the initialized model
     * @param optimizer its optimizer
     * @param data the task
     * @param steps number of steps
     * @param batch batch size
     * @param progress called after each step with its 1-based number
     * @return the training loss before each update
     */
    public static List<Float> train(
            Block block,
            Optimizer optimizer,
            TeacherTask data,
            int steps,
            int batch,
            IntConsumer progress) {
        return train(block, optimizer, data, steps, batch, Engine.getInstance().defaultDevice(), Precision.FP32,
                progress);
    }

    /**
     * Runs {@code steps} training steps on consecutive batches on a device, in a precision.
     *
     * @param block the initialized model, its parameters on {@code device}
     * @param optimizer its optimizer
     * @param data the task
     * @param steps number of steps
     * @param batch batch size
     * @param device where the batches and the training live
     * @param precision float32, or mixed precision
     * @param progress called after each step with its 1-based number
     * @return the training loss before each update
     */
    public static List<Float> train(
            Block block,
            Optimizer optimizer,
            TeacherTask data,
            int steps,
            int batch,
            Device device,
            Precision precision,
            IntConsumer progress) {
        List<Float> losses = new ArrayList<>();
        try (Model model = Model.newInstance("classifier", device)) {
            model.setBlock(precision.apply(block));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(config)) {
                NDManager manager = trainer.getManager();
                for (int step = 0; step < steps; step++) {
                    try (NDManager batchManager = manager.newSubManager()) {
                        int start = step * batch;
                        NDArray x =
                                batchManager.create(
                                        data.inputs(start, batch), new Shape(batch, data.features()));
                        NDArray y = batchManager.create(data.labels(start, batch));
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList predictions = trainer.forward(new NDList(x));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
                            losses.add(loss.getFloat());
                            TrainingStep.backward(trainer, collector, loss);
                        }
                        TrainingStep.step(trainer);
                    }
                    progress.accept(step + 1);
                }
            }
        }
        return losses;
    }
}
