package dev.mup.examples.mlp;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mup.examples.data.TeacherTask;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.workflow.task.MuTask;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The example MLP ({@code features → width → width → classes}, base width 64) on the built-in
 * teacher task: training batches are consecutive examples of teacher seed 1234 (whatever the
 * trial's seed); a sweep's trial is validated on the examples that follow its training batches,
 * other held-out batches are inputs of another seed for the same teacher. Settings:
 * {@code features} (default 32) and {@code classes} (default 10). Short name {@code mlp}.
 */
public class MlpTask implements MuTask {

    /** The teacher's seed: the task is the same in every trial. */
    public static final long TEACHER_SEED = 1234;
    /** The seed of the held-out inputs. */
    public static final long VALIDATION_SEED = 4321;

    private int features = 32;
    private int classes = 10;
    private TeacherTask train;
    private TeacherTask valid;

    /** Creates the task with 32 features and 10 classes. */
    public MlpTask() {}

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public int baseWidth() {
        return 64;
    }

    @Override
    public int batchSize() {
        return 64;
    }

    @Override
    public MuModel model(int width, MuOptions options) {
        return new MlpMuP(options, width, features, classes);
    }

    @Override
    public Shape[] inputShapes(int batch) {
        return new Shape[] {new Shape(batch, features)};
    }

    @Override
    public NDList[] trainingBatch(NDManager manager, int batch, long seed, int step) {
        train = enough(train, (step + 1) * batch, TEACHER_SEED);
        return batch(train, manager, step * batch, batch);
    }

    @Override
    public NDList[] validationBatch(NDManager manager, int batch, int index) {
        valid = enough(valid, (index + 1) * batch, VALIDATION_SEED);
        return batch(valid, manager, index * batch, batch);
    }

    /**
     * The examples of the training stream that follow the run's training batches: held out from
     * that run, as the sweeps of the example MLP have always validated.
     */
    @Override
    public NDList[] validationBatch(NDManager manager, int batch, int trainedSteps, int index) {
        return trainingBatch(manager, batch, 0, trainedSteps + index);
    }

    /** The data drawn so far, extended to at least {@code samples} (a prefix never changes). */
    private TeacherTask enough(TeacherTask data, int samples, long inputSeed) {
        if (data != null && data.size() >= samples) {
            return data;
        }
        int size = Math.max(samples, data == null ? 1024 : 2 * data.size());
        return inputSeed == TEACHER_SEED
                ? TeacherTask.generate(size, features, classes, TEACHER_SEED)
                : TeacherTask.generate(size, features, classes, TEACHER_SEED, inputSeed);
    }

    private NDList[] batch(TeacherTask data, NDManager manager, int start, int batch) {
        return new NDList[] {
            new NDList(manager.create(data.inputs(start, batch), new Shape(batch, features))),
            new NDList(manager.create(data.labels(start, batch)))
        };
    }

    @Override
    public void configure(String key, String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        switch (key) {
            case "features" -> features = positive(key, value, n);
            case "classes" -> classes = positive(key, value, n < 2 ? -1 : n);
            default -> MuTask.super.configure(key, value);
        }
        train = null;
        valid = null;
    }

    private static int positive(String key, String value, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("mlp setting " + key + " must be a positive integer"
                    + ("classes".equals(key) ? " of at least 2" : "") + ", got '" + value + "'");
        }
        return n;
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("features", String.valueOf(features));
        m.put("classes", String.valueOf(classes));
        return m;
    }

    @Override
    public String data() {
        return "teacher task";
    }
}
