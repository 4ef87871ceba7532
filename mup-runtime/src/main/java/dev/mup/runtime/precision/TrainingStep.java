package dev.mup.runtime.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;

/**
 * The two calls of a training step that depend on the precision, for loops that train either a
 * plain model or one wrapped in {@link MixedPrecision}: in float32 they are
 * {@code collector.backward(loss)} and {@code trainer.step()}; in mixed precision they scale the
 * loss, unscale the float32 weights' gradients, and skip steps whose gradients overflowed. (Those
 * two plain calls also train a wrapped model, as in {@code EasyTrain}, without loss scaling.)
 */
public final class TrainingStep {

    private TrainingStep() {}

    /**
     * Back-propagates the loss of a step.
     *
     * @param trainer the trainer, whose model's block decides how
     * @param collector the step's open gradient collector
     * @param loss the loss
     */
    public static void backward(Trainer trainer, GradientCollector collector, NDArray loss) {
        MixedPrecision mixed = mixed(trainer);
        if (mixed == null) {
            collector.backward(loss);
        } else {
            mixed.backward(collector, loss);
        }
    }

    /**
     * Updates the weights, unless a mixed-precision step's gradients overflowed.
     *
     * @param trainer the trainer
     * @return whether the weights were updated
     */
    public static boolean step(Trainer trainer) {
        MixedPrecision mixed = mixed(trainer);
        if (mixed == null) {
            trainer.step();
            return true;
        }
        return mixed.step(trainer);
    }

    private static MixedPrecision mixed(Trainer trainer) {
        Block block = trainer.getModel().getBlock();
        return block instanceof MixedPrecision ? (MixedPrecision) block : null;
    }
}
