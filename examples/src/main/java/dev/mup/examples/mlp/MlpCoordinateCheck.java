package dev.mup.examples.mlp;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mup.examples.data.TeacherTask;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.coord.CoordinateCheck;
import java.util.List;

/**
 * The coordinate check of the example MLP ({@code 32 → width → width → 10}, base width 64) on
 * the built-in teacher task, batches of 64, the same batches for every width and seed.
 */
public final class MlpCoordinateCheck {

    /** Input features. */
    public static final int FEATURES = 32;
    /** Classes. */
    public static final int CLASSES = 10;
    /** Batch size. */
    public static final int BATCH = 64;

    private MlpCoordinateCheck() {}

    /**
     * Configures the check on the engine's default device, in float32.
     *
     * @param options μP or SP, and the other options of the model
     * @param rule Adam or SGD
     * @param lr the global learning rate
     * @param widths the widths
     * @param steps steps T
     * @param seeds seeds averaged over
     * @return the check, ready to run
     */
    public static CoordinateCheck create(
            MuOptions options, UpdateRule rule, float lr, List<Integer> widths, int steps, int seeds) {
        return builder(options, rule, lr, widths, steps, seeds).build();
    }

    /**
     * Configures the check, leaving the device and precision to set.
     *
     * @param options μP or SP, and the other options of the model
     * @param rule Adam or SGD
     * @param lr the global learning rate
     * @param widths the widths
     * @param steps steps T
     * @param seeds seeds averaged over
     * @return the configured builder
     */
    public static CoordinateCheck.Builder builder(
            MuOptions options, UpdateRule rule, float lr, List<Integer> widths, int steps, int seeds) {
        TeacherTask data = TeacherTask.generate(steps * BATCH, FEATURES, CLASSES, 1234);
        return CoordinateCheck.builder()
                .widths(widths)
                .steps(steps)
                .seeds(seeds)
                .models((width, seed, manager) -> {
                    Engine.getInstance().setRandomSeed(1000 + seed);
                    MlpMuP mlp = new MlpMuP(options, width, FEATURES, CLASSES);
                    mlp.initialize(manager, DataType.FLOAT32, new Shape(BATCH, FEATURES));
                    return mlp;
                })
                .optimizers(m -> rule == UpdateRule.SGD ? m.sgd(lr).build() : m.adam(lr).build())
                .batches((manager, step) -> new NDList[] {
                    new NDList(manager.create(data.inputs(step * BATCH, BATCH), new Shape(BATCH, FEATURES))),
                    new NDList(manager.create(data.labels(step * BATCH, BATCH)))
                });
    }
}
