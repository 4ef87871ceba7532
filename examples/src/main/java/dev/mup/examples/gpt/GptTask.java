package dev.mup.examples.gpt;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.workflow.sweep.Hyperparameter;
import dev.mup.workflow.task.MuTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The example character-level GPT on a text: the width knob is {@code dModel} ({@code dFfn = 4 ·
 * dModel}, heads of a fixed size, so their number grows with width), base width 64. Settings:
 * {@code text} (a UTF-8 file; default the built-in corpus), {@code sequence} (32), {@code layers}
 * (2), {@code headSize} (16) and {@code tiedReadout} (false: a readout of its own; true: tied to
 * the token embedding). Short name {@code gpt}.
 */
public class GptTask implements MuTask {

    private Path text;
    private CharCorpus corpus;
    private int sequence = 32;
    private int layers = 2;
    private int headSize = 16;
    private boolean tiedReadout;

    /** Creates the task on the built-in corpus. */
    public GptTask() {
        this(false);
    }

    /**
     * Creates the task on the built-in corpus.
     *
     * @param tiedReadout whether the readout is tied to the token embedding
     */
    protected GptTask(boolean tiedReadout) {
        this.tiedReadout = tiedReadout;
    }

    @Override
    public String name() {
        return tiedReadout ? "gpt-tied" : "gpt";
    }

    @Override
    public int baseWidth() {
        return Gpt.BASE_WIDTH;
    }

    @Override
    public int batchSize() {
        return 8;
    }

    @Override
    public void checkWidth(int width) {
        if (width <= 0 || width % headSize != 0) {
            throw new IllegalArgumentException(
                    "GPT widths must be positive multiples of the head size " + headSize + ", got " + width);
        }
    }

    @Override
    public MuModel model(int width, MuOptions options) {
        return build(width, layers, options);
    }

    /**
     * The depth axis is the number of blocks ({@code layers}); its base is {@code Gpt}'s
     * {@code @Depth} base, {@value Gpt#BASE_DEPTH}.
     *
     * @return {@link Gpt#BASE_DEPTH}
     */
    @Override
    public OptionalInt baseDepth() {
        return OptionalInt.of(Gpt.BASE_DEPTH);
    }

    /**
     * The GPT with {@code depth} blocks instead of the {@code layers} setting.
     *
     * @param width {@code dModel}, a multiple of the head size
     * @param depth the number of blocks, positive
     * @param options μP or SP, multipliers and the depth exponent
     * @return the model
     */
    @Override
    public MuModel model(int width, int depth, MuOptions options) {
        checkDepth(depth);
        return build(width, depth, options);
    }

    private MuModel build(int width, int blocks, MuOptions options) {
        checkWidth(width);
        int vocabulary = corpus().vocabulary();
        return tiedReadout
                ? new TiedGptMuP(options, vocabulary, sequence, blocks, width, headSize)
                : new GptMuP(options, vocabulary, sequence, blocks, width, headSize);
    }

    @Override
    public Shape[] inputShapes(int batch) {
        return new Shape[] {new Shape(batch, sequence)};
    }

    @Override
    public NDList[] trainingBatch(NDManager manager, int batch, long seed, int step) {
        return corpus().trainBatch(manager, batch, sequence, seed, step);
    }

    @Override
    public NDList[] validationBatch(NDManager manager, int batch, int index) {
        return corpus().validBatch(manager, batch, sequence, index);
    }

    @Override
    public Loss loss() {
        return new SequenceLoss();
    }

    @Override
    public Set<Hyperparameter> hyperparameters() {
        return EnumSet.allOf(Hyperparameter.class);
    }

    /**
     * The text, read on first use.
     *
     * @return the corpus
     */
    public CharCorpus corpus() {
        if (corpus == null) {
            corpus = text == null ? CharCorpus.builtIn() : read(text);
        }
        return corpus;
    }

    private static CharCorpus read(Path file) {
        try {
            return CharCorpus.read(file);
        } catch (FileSystemException e) {
            throw new IllegalArgumentException(file + ": " + (e.getReason() != null ? e.getReason()
                    : e.getClass().getSimpleName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void configure(String key, String value) {
        switch (key) {
            case "text" -> {
                text = Path.of(value);
                corpus = read(text); // a missing or non-UTF-8 file is refused now, before any training
            }
            case "sequence" -> sequence = positive(key, value);
            case "layers" -> layers = positive(key, value);
            case "headSize" -> headSize = positive(key, value);
            case "tiedReadout" -> {
                if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
                    throw new IllegalArgumentException("gpt setting tiedReadout must be true or false, got '"
                            + value + "'");
                }
                tiedReadout = Boolean.parseBoolean(value.toLowerCase(java.util.Locale.ROOT));
            }
            default -> MuTask.super.configure(key, value);
        }
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
        throw new IllegalArgumentException("gpt setting " + key + " must be a positive integer, got '" + value + "'");
    }

    @Override
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        if (text != null) {
            m.put("text", text.toString());
        }
        m.put("sequence", String.valueOf(sequence));
        m.put("layers", String.valueOf(layers));
        m.put("headSize", String.valueOf(headSize));
        m.put("tiedReadout", String.valueOf(tiedReadout));
        return m;
    }

    @Override
    public String data() {
        return corpus().describe();
    }
}
