package dev.mup.examples.resnet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.workflow.task.MuTask;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The example {@link ResNet} on Fashion-MNIST as a μTransfer task: the width knob is the ResNet's
 * {@code width} (channels of the first stage; stage {@code s} has {@code 2^s · width}), base width
 * 16 as the example declares ({@code @Width(base = 16)}). Short name {@code resnet}.
 *
 * <p>Data: training batches are consecutive images of a fixed subset, the first {@code train}
 * images of Fashion-MNIST's training set, wrapping around at its end (whatever the trial's seed);
 * held-out batch {@code i} is images {@code i · batch} onwards of the first {@code valid} images of
 * its test set (also wrapping around), the same whatever the run trained.
 * Images are 28×28, one channel, normalized over the subset's pixels ({@link ImageData}). When the
 * IDX files are not in the {@code data} directory (Debian: {@code apt-get install
 * dataset-fashion-mnist}), the task trains on {@link ImageData#synthetic(int, int, long) built-in synthetic
 * images} of the same size instead, says so once on standard error, and {@link #data()} names
 * them, so a sweep's store records which data its trials saw.
 *
 * <p>Settings ({@code --set key=value}):
 * <ul>
 *   <li>{@code data}: the directory of the IDX files (default {@value #DEFAULT_DATA}), or
 *       {@code synthetic} for the built-in set; a directory that does not exist is refused;
 *   <li>{@code train}: training images, the fixed subset (default 4096);
 *   <li>{@code valid}: held-out test images (default 1024);
 *   <li>{@code stages}: stages of the network, 1 to 4 (default 2);
 *   <li>{@code blocks}: basic blocks per stage (default 1);
 *   <li>{@code recalibrate}: training batches run forward after training, before the held-out
 *       loss, so that the BatchNorms' running statistics describe the final weights (default 0,
 *       none; {@link MuTask#batchNormRecalibrationBatches()}).
 * </ul>
 * The defaults (2 stages of 1 block: channels {@code width} then {@code 2 · width}, a projection
 * block between them) keep a trial small enough for a CPU; {@code stages=4},
 * {@code blocks=2} is the ResNet-18 layout.
 */
public class ResNetTask implements MuTask {

    /** The default {@code data} directory: where Debian's package installs Fashion-MNIST. */
    public static final String DEFAULT_DATA = "/usr/share/datasets/fashion-mnist";

    /** The {@code data} value that selects the built-in synthetic images. */
    public static final String SYNTHETIC = "synthetic";

    /** The seed of the synthetic images (the test set uses the next seed). */
    public static final long SYNTHETIC_SEED = 7;

    private String data = DEFAULT_DATA;
    private int train = 4096;
    private int valid = 1024;
    private int stages = 2;
    private int blocks = 1;
    private int recalibrate = 0;
    private ImageData trainSet;
    private ImageData validSet;
    private final PrintStream log;

    /** Creates the task with the default settings; the synthetic fallback is announced on standard error. */
    public ResNetTask() {
        this(System.err);
    }

    /**
     * Creates the task with the default settings.
     *
     * @param log where the task says that it falls back to the synthetic images
     */
    public ResNetTask(PrintStream log) {
        this.log = log;
    }

    @Override
    public String name() {
        return "resnet";
    }

    @Override
    public int baseWidth() {
        return 16;
    }

    @Override
    public int batchSize() {
        return 32;
    }

    @Override
    public MuModel model(int width, MuOptions options) {
        checkWidth(width);
        return new ResNetMuP(options, width, 1, ImageData.CLASSES, stages, blocks);
    }

    @Override
    public Shape[] inputShapes(int batch) {
        int size = trainSet().size();
        return new Shape[] {new Shape(batch, 1, size, size)};
    }

    @Override
    public NDList[] trainingBatch(NDManager manager, int batch, long seed, int step) {
        return batch(trainSet(), manager, step * batch, batch);
    }

    @Override
    public NDList[] validationBatch(NDManager manager, int batch, int index) {
        return batch(validSet(), manager, index * batch, batch);
    }

    private static NDList[] batch(ImageData set, NDManager manager, int start, int batch) {
        int size = set.size();
        return new NDList[] {
            new NDList(manager.create(set.images(start, batch), new Shape(batch, 1, size, size))),
            new NDList(manager.create(set.labels(start, batch)))
        };
    }

    /**
     * The training subset, read on first use.
     *
     * @return the first {@code train} training images, or the synthetic set
     * @throws UncheckedIOException when the IDX files are there but cannot be read
     */
    public synchronized ImageData trainSet() {
        if (trainSet == null) {
            trainSet = read(true, train);
            if (trainSet.synthetic()) {
                log.println(SYNTHETIC.equals(data)
                        ? "resnet: training on the " + trainSet.description() + " (data=synthetic)"
                        : "resnet: Fashion-MNIST is not installed under " + data + " (Debian package"
                                + " dataset-fashion-mnist); training on the " + trainSet.description()
                                + " instead");
            }
        }
        return trainSet;
    }

    /**
     * The held-out set, read on first use.
     *
     * @return the first {@code valid} test images, or synthetic images of another seed
     * @throws UncheckedIOException when the IDX files are there but cannot be read
     */
    public synchronized ImageData validSet() {
        if (validSet == null) {
            validSet = read(false, valid);
        }
        return validSet;
    }

    private ImageData read(boolean training, int limit) {
        if (SYNTHETIC.equals(data)) {
            return ImageData.synthetic(limit, 28, training ? SYNTHETIC_SEED : SYNTHETIC_SEED + 1);
        }
        try {
            return ImageData.fashionMnistOrSynthetic(Path.of(data), training, limit, SYNTHETIC_SEED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void configure(String key, String value) {
        switch (key) {
            case "data" -> {
                String v = value.trim();
                if (!SYNTHETIC.equals(v) && !Files.isDirectory(Path.of(v))) {
                    throw new IllegalArgumentException("resnet setting data must be a directory of Fashion-MNIST's"
                            + " IDX files or 'synthetic', got '" + value + "' (no such directory)");
                }
                data = v;
            }
            case "train" -> train = positive(key, value);
            case "valid" -> valid = positive(key, value);
            case "stages" -> {
                int n = positive(key, value);
                if (n > 4) {
                    throw new IllegalArgumentException("resnet setting stages must be 1 to 4, got '" + value + "'");
                }
                stages = n;
            }
            case "blocks" -> blocks = positive(key, value);
            case "recalibrate" -> recalibrate = notNegative(key, value);
            // settings() leaves recalibrate out while it is 0, so name it here
            default -> throw new IllegalArgumentException(name() + " has no setting '" + key
                    + "'; its settings: data, train, valid, stages, blocks, recalibrate");
        }
        trainSet = null;
        validSet = null;
    }

    private static int notNegative(String key, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "resnet setting " + key + " must be 0 or a positive integer, got '" + value + "'");
    }

    private static int positive(String key, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "resnet setting " + key + " must be a positive integer, got '" + value + "'");
    }

    /**
     * The {@code recalibrate} setting: training batches run forward before the held-out loss so
     * that the BatchNorms' running statistics describe the final weights (0 by default, as sweeps
     * recorded before the setting ran).
     *
     * @return batches
     */
    @Override
    public synchronized int batchNormRecalibrationBatches() {
        return recalibrate;
    }

    @Override
    public synchronized Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data", data);
        m.put("train", String.valueOf(train));
        m.put("valid", String.valueOf(valid));
        m.put("stages", String.valueOf(stages));
        m.put("blocks", String.valueOf(blocks));
        if (recalibrate > 0) {
            // only when set: sweeps recorded before the setting existed keep their definition
            m.put("recalibrate", String.valueOf(recalibrate));
        }
        return m;
    }

    /**
     * What the task trains and validates on, short enough for a figure's title: {@code
     * "Fashion-MNIST, first 4096 training and 1024 test images"}, or {@code "synthetic images, 4096
     * training and 1024 held out (Fashion-MNIST not installed under DIR)"}.
     */
    @Override
    public String data() {
        ImageData t = trainSet();
        ImageData v = validSet();
        if (!t.synthetic()) {
            return String.format(Locale.ROOT, "Fashion-MNIST, first %d training and %d test images",
                    t.count(), v.count());
        }
        return String.format(Locale.ROOT, "synthetic images, %d training and %d held out (%s)", t.count(), v.count(),
                SYNTHETIC.equals(data) ? "data=synthetic" : "Fashion-MNIST not installed under " + data);
    }
}
