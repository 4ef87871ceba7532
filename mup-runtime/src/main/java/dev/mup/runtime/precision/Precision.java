package dev.mup.runtime.precision;

import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import java.util.Locale;

/**
 * The arithmetic a model trains in. Weights and optimizer state are float32 either way; what
 * differs is the type the forward and backward passes compute in.
 */
public enum Precision {

    /** Everything in float32. */
    FP32("fp32", DataType.FLOAT32),

    /**
     * Float16 compute with float32 master weights and dynamic loss scaling: see
     * {@link MixedPrecision}.
     */
    FP16("fp16", DataType.FLOAT16);

    /**
     * Why there is no bfloat16 option, in one line: the reason is the engine's, not μP's, so it is
     * given wherever bfloat16 is asked for.
     */
    static final String NO_BFLOAT16 = "bfloat16 is not available with DJL 0.35.1's PyTorch engine: its"
            + " native layer has no bfloat16 type (creating such an array aborts the JVM); use fp16"
            + " (float16 compute, float32 master weights, loss scaling) or fp32";

    private final String cliName;
    private final DataType computeType;

    Precision(String cliName, DataType computeType) {
        this.cliName = cliName;
        this.computeType = computeType;
    }

    /**
     * Parses a name.
     *
     * @param name {@code fp32} or {@code fp16} (also {@code float32}, {@code float16})
     * @return the precision
     * @throws IllegalArgumentException for {@code bf16} (with the engine's reason) and unknown
     *     names
     */
    public static Precision parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "fp32":
            case "float32":
                return FP32;
            case "fp16":
            case "float16":
                return FP16;
            case "bf16":
            case "bfloat16":
                throw new IllegalArgumentException(NO_BFLOAT16);
            default:
                throw new IllegalArgumentException("Unknown precision '" + name + "': use fp32 or fp16");
        }
    }

    /**
     * The type the forward and backward passes compute in.
     *
     * @return float32 or float16
     */
    public DataType computeType() {
        return computeType;
    }

    /**
     * The block to train: the model itself in float32, else the model wrapped in
     * {@link MixedPrecision}. Train it with {@link TrainingStep} so that either works.
     *
     * @param model the initialized model, with float32 parameters
     * @return the block to set on the DJL {@code Model}
     */
    public Block apply(Block model) {
        return this == FP32 ? model : MixedPrecision.wrap(model, computeType);
    }

    @Override
    public String toString() {
        return cliName;
    }
}
