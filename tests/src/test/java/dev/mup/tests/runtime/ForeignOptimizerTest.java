package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuAdam;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.precision.Precision;
import dev.mup.runtime.precision.TrainingStep;
import dev.mup.tests.support.Models;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An optimizer that is not the model's own: a μP optimizer built for another instance of the same
 * model refuses its parameters by id, and a DJL optimizer that is not μP (which trains every
 * parameter with the same learning rate, as in SP) is warned about once, on the first training
 * step, on the standard error stream (through SLF4J when it has a provider).
 */
class ForeignOptimizerTest {

    private static final int WIDTH = 128;

    @Test
    void muAdamBuiltForAnotherInstanceRefusesItsParameters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP built = Models.mlp(manager, MuOptions.defaults(), WIDTH, 1);
            MlpMuP trained = Models.mlp(manager, MuOptions.defaults(), WIDTH, 1);
            MuAdam adam = built.adam(1e-3f).build();
            Parameter hidden = trained.muParametrization().layer("hidden").orElseThrow().block()
                    .getParameters().get("weight");
            NDArray w = hidden.getArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> adam.update(hidden.getId(), w, w.zerosLike()));
            assertTrue(e.getMessage().contains("'" + hidden.getId() + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("Mlp") && e.getMessage().contains("build the optimizer from the model"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> adam.scaling("weight"));

            // and the same through DJL's trainer
            assertThrows(IllegalArgumentException.class, () -> trainOneStep(trained, adam));
        }
    }

    @Test
    void declaredUnscaledParametersAreAccepted() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 1);
            MuAdam adam = model.adam(1e-3f).optUnscaledParameters(List.of("extra")).build();
            assertEquals(1.0, adam.scaling("extra").lrMultiplier());
        }
    }

    @Test
    void aDjlOptimizerIsWarnedAboutOnce() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 1);
            Optimizer djl = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            String err = standardError(() -> {
                trainOneStep(model, djl);
                trainOneStep(model, djl);
            });
            assertEquals(1, occurrences(err, "is not a μP optimizer"), err);
            assertTrue(err.contains("Mlp") && err.contains("model.adam(lr)"), err);

            MlpMuP mu = Models.mlp(manager, MuOptions.defaults(), WIDTH, 1);
            String quiet = standardError(() -> trainOneStep(mu, mu.adam(1e-3f).build()));
            assertEquals(0, occurrences(quiet, "is not a μP optimizer"), quiet);
        }
    }

    @Test
    void aDjlOptimizerIsWarnedAboutUnderMixedPrecisionToo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 1);
            Optimizer djl = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            String err = standardError(() -> trainOneStep(model, Precision.FP16.apply(model), djl));
            assertEquals(1, occurrences(err, "is not a μP optimizer"), err);
        }
    }

    private static void trainOneStep(MlpMuP mlp, Optimizer optimizer) {
        trainOneStep(mlp, mlp, optimizer);
    }

    private static void trainOneStep(MlpMuP mlp, Block block, Optimizer optimizer) {
        try (Model model = Model.newInstance("foreign")) {
            model.setBlock(block);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
            try (Trainer trainer = model.newTrainer(config);
                    NDManager batch = trainer.getManager().newSubManager()) {
                NDArray x = batch.randomNormal(new Shape(4, Models.FEATURES));
                NDArray y = batch.randomInteger(0, Models.CLASSES, new Shape(4), DataType.INT32);
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList out = trainer.forward(new NDList(x));
                    TrainingStep.backward(trainer, collector, trainer.getLoss().evaluate(new NDList(y), out));
                }
                TrainingStep.step(trainer);
            }
        }
    }

    private static String standardError(Runnable run) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
