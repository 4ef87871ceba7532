package dev.mup.examples.gpt;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.mup.runtime.AttentionScaling;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuRmsNorm;
import dev.mup.workflow.sweep.Hyperparameter;
import dev.mup.workflow.task.MuTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The example character-level GPT on a text: the width knob is {@code dModel} ({@code dFfn = 4 ·
 * dModel}, heads of a fixed size, so their number grows with width), base width 64. Settings:
 * {@code text} (a UTF-8 file; default the built-in corpus), {@code sequence} (32), {@code layers}
 * (2), {@code headSize} (16) and {@code tiedReadout} (false: a readout of its own; true: tied to
 * the token embedding). Short name {@code gpt}.
 *
 * <p>The architectural variants of Lingle's study of μTransfer (arXiv 2404.05728; see
 * {@link GptVariant}) are settings too, each value an enum constant of {@link GptVariant} or
 * {@link AttentionScaling} in lower camel case:
 * <ul>
 *   <li>{@code norm}: {@code layerNorm} (default) or {@code rmsNorm};
 *   <li>{@code gain}: the RMSNorm's gain, {@code vector} (default), {@code none} or
 *       {@code scalar} (one trainable scalar per norm: Lingle's "trainable scalar gains");
 *       LayerNorm only has {@code vector};
 *   <li>{@code feedForward}: {@code gelu} (default) or {@code swiglu};
 *   <li>{@code bias}: {@code true} (default) or {@code false}, biases of the attention
 *       projections and feed-forward layers;
 *   <li>{@code heads}: {@code fixedSize} (default; heads are added as the model widens) or
 *       {@code fixedCount} (the head size grows);
 *   <li>{@code attentionScaling}: {@code inverseHeadSize} (μP's {@code α/d_head}) or
 *       {@code inverseSqrtHeadSize} (the standard {@code 1/√d_head}). This one is a μP option,
 *       not part of the architecture: when it is set, {@link #model(int, MuOptions)} builds the
 *       model with the options it is given, changed to this scaling; when it is not set, the
 *       options' own scaling is kept. Only {@code heads=fixedCount} makes the two differ.
 * </ul>
 * Settings that differ from the defaults are part of {@link #settings()}, so a sweep records its
 * variant and a worker or a transfer rebuilds the same model; a bad value is refused with the
 * accepted ones.
 */
public class GptTask implements MuTask {

    private Path text;
    private CharCorpus corpus;
    private int sequence = 32;
    private int layers = 2;
    private int headSize = 16;
    private boolean tiedReadout;
    private GptVariant.Norm norm = GptVariant.Norm.LAYER_NORM;
    private MuRmsNorm.Gain gain = MuRmsNorm.Gain.VECTOR;
    private GptVariant.FeedForward feedForward = GptVariant.FeedForward.GELU;
    private boolean bias = true;
    private GptVariant.Heads heads = GptVariant.Heads.FIXED_SIZE;
    /** Null when not set: the options given to {@link #model} keep their own scaling. */
    private AttentionScaling attentionScaling;

    /** The settings {@link #configure} knows, in the order they are listed in messages. */
    private static final List<String> KEYS = List.of("text", "sequence", "layers", "headSize", "tiedReadout",
            "norm", "gain", "feedForward", "bias", "heads", "attentionScaling");

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
        GptVariant v = variant(); // a gain the norm does not have is refused before any width
        if (width <= 0 || width % headSize != 0) {
            throw new IllegalArgumentException(
                    "GPT widths must be positive multiples of the head size " + headSize + ", got " + width);
        }
        if (v.heads() == GptVariant.Heads.FIXED_COUNT && Gpt.BASE_WIDTH % headSize != 0) {
            throw new IllegalArgumentException("gpt setting heads=fixedCount needs a head size that divides the base"
                    + " width " + Gpt.BASE_WIDTH + ", got headSize=" + headSize);
        }
    }

    /**
     * The architectural variant the settings choose.
     *
     * @return the variant; {@link GptVariant#defaults()} unless {@code norm}, {@code gain},
     *     {@code feedForward}, {@code bias} or {@code heads} are set
     * @throws IllegalArgumentException when {@code gain} is not {@code vector} and {@code norm}
     *     is not {@code rmsNorm}
     */
    public GptVariant variant() {
        if (norm == GptVariant.Norm.LAYER_NORM && gain != MuRmsNorm.Gain.VECTOR) {
            throw new IllegalArgumentException("gpt setting gain=" + camel(gain) + " needs norm=rmsNorm;"
                    + " LayerNorm always has a vector gain");
        }
        return GptVariant.builder().norm(norm).gain(gain).feedForward(feedForward).bias(bias).heads(heads).build();
    }

    /**
     * The attention logit scale the task imposes on the options of its models.
     *
     * @return the scaling set with {@code attentionScaling}, or empty when the options keep theirs
     */
    public java.util.Optional<AttentionScaling> attentionScaling() {
        return java.util.Optional.ofNullable(attentionScaling);
    }

    /**
     * Builds the GPT of the task's variant. When {@code attentionScaling} is set, the model gets
     * {@code options} with that scaling instead of theirs; everything else in the options is kept.
     *
     * @param width {@code dModel}
     * @param options μP or SP, init and multipliers
     * @return the generated model
     */
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
        GptVariant v = variant();
        MuOptions o = attentionScaling == null || options.attentionScaling() == attentionScaling
                ? options : options.toBuilder().attentionScaling(attentionScaling).build();
        return tiedReadout
                ? new TiedGptMuP(o, vocabulary, sequence, blocks, width, headSize, v)
                : new GptMuP(o, vocabulary, sequence, blocks, width, headSize, v);
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
            case "norm" -> norm = choice(key, value, GptVariant.Norm.class);
            case "gain" -> gain = choice(key, value, MuRmsNorm.Gain.class);
            case "feedForward" -> feedForward = choice(key, value, GptVariant.FeedForward.class);
            case "bias" -> bias = bool(key, value);
            case "heads" -> heads = choice(key, value, GptVariant.Heads.class);
            case "attentionScaling" -> attentionScaling = choice(key, value, AttentionScaling.class);
            default -> throw new IllegalArgumentException(
                    name() + " has no setting '" + key + "'; its settings: " + String.join(", ", KEYS));
        }
    }

    private static boolean bool(String key, String value) {
        if (!"true".equals(value) && !"false".equals(value)) {
            throw new IllegalArgumentException("gpt setting " + key + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** The constant of {@code type} whose lower-camel-case name is {@code value}. */
    private static <E extends Enum<E>> E choice(String key, String value, Class<E> type) {
        List<String> accepted = new java.util.ArrayList<>();
        for (E e : type.getEnumConstants()) {
            if (camel(e).equals(value)) {
                return e;
            }
            accepted.add(camel(e));
        }
        throw new IllegalArgumentException("gpt setting " + key + " must be one of " + String.join(", ", accepted)
                + ", got '" + value + "'");
    }

    /** {@code RMS_NORM → rmsNorm}, {@code INVERSE_SQRT_HEAD_SIZE → inverseSqrtHeadSize}. */
    static String camel(Enum<?> e) {
        StringBuilder b = new StringBuilder();
        for (String part : e.name().toLowerCase(Locale.ROOT).split("_")) {
            b.append(b.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return b.toString();
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
        // the variant: only what differs from the default GPT, so that the definitions of sweeps
        // stored before these settings existed stay the same
        if (norm != GptVariant.Norm.LAYER_NORM) {
            m.put("norm", camel(norm));
        }
        if (gain != MuRmsNorm.Gain.VECTOR) {
            m.put("gain", camel(gain));
        }
        if (feedForward != GptVariant.FeedForward.GELU) {
            m.put("feedForward", camel(feedForward));
        }
        if (!bias) {
            m.put("bias", "false");
        }
        if (heads != GptVariant.Heads.FIXED_SIZE) {
            m.put("heads", camel(heads));
        }
        if (attentionScaling != null) {
            m.put("attentionScaling", camel(attentionScaling));
        }
        return m;
    }

    @Override
    public String data() {
        return corpus().describe();
    }
}
