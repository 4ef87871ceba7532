package dev.mup.tests.conv;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import java.util.Map;

/** Builds mup's CNN test model, with or without BatchNorm, and names its parameters as mup does. */
public final class CnnModels {

    /** Our layers and mup's module indices in {@code nn.Sequential}, without BatchNorm. */
    private static final Map<String, String> PLAIN = Map.of(
            "conv1", "0", "conv2", "3", "fc1", "7", "fc2", "9", "readout", "11");

    /** The same with BatchNorm after each convolution and hidden Linear. */
    private static final Map<String, String> BATCH_NORM = Map.of(
            "conv1", "0", "norm1", "1", "conv2", "4", "norm2", "5", "fc1", "9", "norm3", "10",
            "fc2", "12", "norm4", "13", "readout", "15");

    /** DJL's parameter names and PyTorch's. */
    private static final Map<String, String> PARAMETER = Map.of(
            "weight", "weight", "bias", "bias", "gamma", "weight", "beta", "bias");

    private CnnModels() {}

    /**
     * The μP model of mup's CNN at width {@code w} (base 8).
     *
     * @param options μP options
     * @param w the width: {@code w} channels after the first convolution
     * @param batchNorm whether to put BatchNorm after the convolutions and hidden Linears
     * @return the uninitialized model
     */
    public static MuModel create(MuOptions options, int w, boolean batchNorm) {
        return batchNorm ? new MupCnnBatchNormMuP(options, w) : new MupCnnMuP(options, w);
    }

    /**
     * Initializes the model for {@code 3×32×32} images from a fixed seed.
     *
     * @param model the model
     * @param manager owns the parameters
     * @param seed the engine seed
     */
    public static void initialize(MuModel model, NDManager manager, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
    }

    /**
     * mup's name of one of our parameters ({@code conv2.weight} → {@code 3.weight}).
     *
     * @param ourName {@code field.parameter}
     * @param batchNorm which variant
     * @return mup's name
     */
    public static String mupName(String ourName, boolean batchNorm) {
        int dot = ourName.indexOf('.');
        String layer = (batchNorm ? BATCH_NORM : PLAIN).get(ourName.substring(0, dot));
        return layer + "." + PARAMETER.get(ourName.substring(dot + 1));
    }

    /**
     * A parameter by its μP name.
     *
     * @param model the model
     * @param name {@code field.parameter}
     * @return the DJL parameter
     */
    public static Parameter parameter(MuModel model, String name) {
        int dot = name.indexOf('.');
        return model.muParametrization().layer(name.substring(0, dot)).orElseThrow()
                .block().getParameters().get(name.substring(dot + 1));
    }
}
