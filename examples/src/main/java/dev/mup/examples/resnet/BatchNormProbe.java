package dev.mup.examples.resnet;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import java.util.Locale;

/**
 * Trains one run of the {@code resnet} task as a sweep's trial does (seed 1, batches of 32, Adam
 * with β 0.9/0.95 at a constant learning rate, default task settings) and scores the same
 * held-out batches twice: in inference mode, as a sweep does (every BatchNorm normalizes with its
 * running statistics), and with the batch's own statistics (as in training). It prints one line:
 * the training loss (mean of the last tenth of the steps) and both held-out losses. Used in
 * {@code docs/BENCHMARKS.md} to check why the ResNet sweep's held-out loss jumps at large learning
 * rates.
 *
 * <pre>
 * java -cp examples/target/mup-examples.jar dev.mup.examples.resnet.BatchNormProbe WIDTH LOG2_LR mup|sp
 * </pre>
 */
public final class BatchNormProbe {

    private static final int BATCH = 32;
    private static final int STEPS = 200;
    private static final int VALID_BATCHES = 16;

    private BatchNormProbe() {}

    /**
     * Runs the probe.
     *
     * @param args the width, log2 of the learning rate, and {@code mup} or {@code sp}
     */
    public static void main(String[] args) {
        if (args.length != 3 || !(args[2].equals("mup") || args[2].equals("sp"))) {
            System.err.println("BatchNormProbe: usage: BatchNormProbe WIDTH LOG2_LR mup|sp");
            System.exit(2);
            return;
        }
        int width = Integer.parseInt(args[0]);
        double log2Lr = Double.parseDouble(args[1]);
        Parametrization p = args[2].equals("sp") ? Parametrization.SP : Parametrization.MUP;
        ResNetTask task = new ResNetTask();
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("probe")) {
            Engine.getInstance().setRandomSeed(1);
            MuModel block = task.model(width, MuOptions.builder().parametrization(p).build());
            block.initialize(manager, DataType.FLOAT32, task.inputShapes(BATCH));
            model.setBlock(block);
            Optimizer adam = block.adam((float) Math.pow(2, log2Lr)).optBeta1(0.9f).optBeta2(0.95f).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(task.loss()).optOptimizer(adam))) {
                double tail = 0;
                for (int step = 0; step < STEPS; step++) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDList[] b = task.trainingBatch(scope, BATCH, 1, step);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(b[1], trainer.forward(b[0]));
                            if (step >= STEPS - STEPS / 10) {
                                tail += loss.getFloat();
                            }
                            collector.backward(loss);
                        }
                        trainer.step();
                    }
                }
                double inference = 0;
                for (int i = 0; i < VALID_BATCHES; i++) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDList[] b = task.validationBatch(scope, BATCH, STEPS, i);
                        inference += trainer.getLoss().evaluate(b[1], trainer.evaluate(b[0])).getFloat();
                    }
                }
                // second: a forward in training mode also moves the running statistics
                double batchStatistics = 0;
                for (int i = 0; i < VALID_BATCHES; i++) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDList[] b = task.validationBatch(scope, BATCH, STEPS, i);
                        NDList out = block.forward(new ParameterStore(scope, false), b[0], true);
                        batchStatistics += trainer.getLoss().evaluate(b[1], out).getFloat();
                    }
                }
                System.out.printf(Locale.ROOT, "%s width %d log2 lr %.0f: training loss %.4f, held-out loss with"
                        + " running statistics (inference mode) %.4f, with batch statistics %.4f%n",
                        p == Parametrization.MUP ? "μP" : "SP", width, log2Lr, tail / (STEPS / 10),
                        inference / VALID_BATCHES, batchStatistics / VALID_BATCHES);
            }
        }
    }
}
