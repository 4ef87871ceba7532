package dev.mup.workflow.task;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.workflow.sweep.Hyperparameter;
import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A μTransfer task, declared once: how to build a generated model at a width, what it is trained
 * on, with which loss, and which hyperparameters it accepts. The coordinate check, sweeps, the
 * report and transfer all work from a task; the command line finds one by class name (or a short
 * name a {@link TaskProvider} gives), so a task class needs a public no-argument constructor.
 *
 * <p>The width is one knob. A model with several widths maps it to all of them explicitly, for
 * example {@code dModel = width, dFfn = 4 * width}; the knob at {@link #baseWidth()} is the model
 * whose hyperparameters are tuned (μP and SP agree there).
 *
 * <pre>{@code
 * public final class MyTask implements MuTask {
 *     public int baseWidth() { return 64; }
 *     public MuModel model(int width, MuOptions options) { return new MyModelMuP(options, width, 32, 10); }
 *     public Shape[] inputShapes(int batch) { return new Shape[] {new Shape(batch, 32)}; }
 *     public NDList[] trainingBatch(NDManager m, int batch, long seed, int step) { ... }
 *     public NDList[] validationBatch(NDManager m, int batch, int index) { ... }
 * }
 * }</pre>
 *
 * <p>Batches must be deterministic: the same arguments give the same arrays, in every width and
 * every process, so that the widths of a check and the workers of a sweep see the same data.
 */
public interface MuTask {

    /**
     * The task's name in tables, titles and stored sweeps.
     *
     * @return by default the simple class name
     */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * The width knob whose hyperparameters are tuned: the model's base width.
     *
     * @return a positive width
     */
    int baseWidth();

    /**
     * Checks that the task can build a width (for example, a multiple of the head size).
     *
     * @param width the width knob
     * @throws IllegalArgumentException saying why the width is refused
     */
    default void checkWidth(int width) {
        if (width <= 0) {
            throw new IllegalArgumentException(name() + " widths must be positive, got " + width);
        }
    }

    /**
     * Builds the generated model at a width, not yet initialized. The caller seeds the engine's
     * random generator before, and initializes the model with {@link #inputShapes(int)} after.
     *
     * @param width the width knob, accepted by {@link #checkWidth(int)}
     * @param options μP or SP, init and multipliers
     * @return the model
     */
    MuModel model(int width, MuOptions options);

    /**
     * The task's depth axis: the number of repeated blocks whose hyperparameters are tuned (the
     * model's {@code @Depth} base), or empty when the task has none. Depth is a second, optional
     * knob beside the width: a coordinate check or sweep over depths ({@code --depths}) varies it
     * at one fixed width, and {@code MuOptions.depthExponent} decides how the model scales with it
     * (CompleteP, depth-μP or not at all). A task that declares a base depth also overrides
     * {@link #model(int, int, MuOptions)}.
     *
     * @return the base depth, positive; empty by default (no depth axis)
     */
    default OptionalInt baseDepth() {
        return OptionalInt.empty();
    }

    /**
     * Checks that the task can build a depth.
     *
     * @param depth the number of blocks
     * @throws IllegalArgumentException when the task has no depth axis ({@link #baseDepth()} is
     *     empty) or the depth is not positive
     */
    default void checkDepth(int depth) {
        if (baseDepth().isEmpty()) {
            throw new IllegalArgumentException(name() + " has no depth axis (its baseDepth() is empty),"
                    + " so it cannot be built at depth " + depth + "; vary its width instead");
        }
        if (depth <= 0) {
            throw new IllegalArgumentException(name() + " depths must be positive, got " + depth);
        }
    }

    /**
     * Builds the generated model at a width and a depth (number of blocks), not yet initialized;
     * as {@link #model(int, MuOptions)} otherwise. The depth replaces whatever depth the task's
     * own settings choose, so that one sweep or check can vary it.
     *
     * <p>By default this refuses: a task has a depth axis only when it says so, through
     * {@link #baseDepth()} and this method together, because only the task knows which of its
     * model's constructor arguments is the {@code @Depth} block count. Silently building
     * {@link #model(int, MuOptions)} instead would give every "depth" the same model.
     *
     * @param width the width knob, accepted by {@link #checkWidth(int)}
     * @param depth the number of blocks, accepted by {@link #checkDepth(int)}
     * @param options μP or SP, init, multipliers and the depth exponent
     * @return the model
     * @throws IllegalArgumentException when the task has no depth axis (the default)
     */
    default MuModel model(int width, int depth, MuOptions options) {
        checkDepth(depth);
        throw new IllegalArgumentException(name() + " declares base depth " + baseDepth().getAsInt()
                + " but does not override model(width, depth, options), so it cannot be built at depth " + depth);
    }

    /**
     * The shapes the model is initialized with for a batch size.
     *
     * @param batch examples per batch
     * @return the input shapes
     */
    Shape[] inputShapes(int batch);

    /**
     * The batch size used when none is given.
     *
     * @return examples per batch
     */
    default int batchSize() {
        return 32;
    }

    /**
     * A training batch: deterministic in its arguments.
     *
     * @param manager owns the arrays (on the training device)
     * @param batch examples per batch
     * @param seed the data seed (a trial's seed; a task may ignore it and use fixed data)
     * @param step the 0-based step
     * @return inputs and labels
     */
    NDList[] trainingBatch(NDManager manager, int batch, long seed, int step);

    /**
     * A held-out batch, the same for every trial.
     *
     * @param manager owns the arrays (on the training device)
     * @param batch examples per batch
     * @param index the 0-based index of the validation batch
     * @return inputs and labels
     */
    NDList[] validationBatch(NDManager manager, int batch, int index);

    /**
     * The held-out batch a run that trained {@code trainedSteps} steps is validated on. By default
     * {@link #validationBatch(NDManager, int, int)}, whatever the steps; a task whose held-out
     * examples are the ones its training stream would have given next overrides this.
     *
     * @param manager owns the arrays (on the training device)
     * @param batch examples per batch
     * @param trainedSteps the steps the run trained
     * @param index the 0-based index of the validation batch
     * @return inputs and labels
     */
    default NDList[] validationBatch(NDManager manager, int batch, int trainedSteps, int index) {
        return validationBatch(manager, batch, index);
    }

    /**
     * How many training batches a trial runs forward in training mode, after its last step and
     * before its held-out loss, without computing gradients or changing any weight, so that every
     * BatchNorm's running statistics describe the final weights ("precise BatchNorm"). In inference
     * mode a BatchNorm normalizes with running averages of past batches' statistics; after training
     * at a large learning rate those lag the weights, and the held-out loss jumps where training
     * went well (the report then warns that the held-out and training losses disagree). The batches
     * are the ones the training stream would have given next ({@code trainingBatch(..., steps + i)}).
     * A task without BatchNorm keeps the default.
     *
     * @return batches, not negative; 0 by default (none)
     */
    default int batchNormRecalibrationBatches() {
        return 0;
    }

    /**
     * The training loss.
     *
     * @return softmax cross-entropy by default
     */
    default Loss loss() {
        return Loss.softmaxCrossEntropyLoss();
    }

    /**
     * The hyperparameters a sweep of this task may search. A task without attention, for example,
     * leaves out {@link Hyperparameter#ATTENTION_MULTIPLIER}.
     *
     * @return by default all but the attention multiplier
     */
    default Set<Hyperparameter> hyperparameters() {
        return EnumSet.complementOf(EnumSet.of(Hyperparameter.ATTENTION_MULTIPLIER));
    }

    /**
     * Sets one of the task's own settings (its data file, sequence length, ...), given on the
     * command line as {@code --set key=value}. Called before anything else.
     *
     * @param key the setting
     * @param value its value
     * @throws IllegalArgumentException for a setting the task does not have or a bad value
     */
    default void configure(String key, String value) {
        throw new IllegalArgumentException(name() + " has no setting '" + key + "'"
                + (settings().isEmpty() ? " (it has none)" : "; its settings: " + String.join(", ", settings().keySet())));
    }

    /**
     * The task's settings and their current values, stored with a sweep so that its trials can be
     * reproduced.
     *
     * @return settings by name; none by default
     */
    default Map<String, String> settings() {
        return Map.of();
    }

    /**
     * What the task trains on, stored with a sweep: a transfer verifies on the same data.
     *
     * @return by default the task's name
     */
    default String data() {
        return name();
    }
}
