package dev.mup.examples.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import dev.mup.runtime.MuEmbedding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What {@link Gpt} and {@link TiedGpt} share: everything before the readout (token and position
 * embeddings, the blocks, the final LayerNorm), as static steps each model calls on its own
 * fields. The fields themselves stay in each model class, because the μP processor reads the
 * annotations of a model's own fields.
 */
final class GptTrunk {

    private GptTrunk() {}

    /**
     * Checks the sizes a GPT is built from.
     *
     * @param model the model's name, for messages
     * @param vocabulary the number of distinct tokens
     * @param context the longest sequence
     * @param layers the number of blocks
     * @param dModel the model dimension
     * @param headSize the attention head size
     * @throws IllegalArgumentException if a size is not positive or {@code dModel} is not a
     *     multiple of {@code headSize}
     */
    static void checkSizes(String model, int vocabulary, int context, int layers, int dModel, int headSize) {
        requirePositive(model, "vocabulary", vocabulary);
        requirePositive(model, "context", context);
        requirePositive(model, "layers", layers);
        requirePositive(model, "dModel", dModel);
        requirePositive(model, "headSize", headSize);
        if (dModel % headSize != 0) {
            throw new IllegalArgumentException(
                    model + " dModel (" + dModel + ") must be a multiple of the head size (" + headSize + ")");
        }
    }

    /**
     * The stack of blocks, each made (and registered as a child) by {@code add}.
     *
     * @param layers the number of blocks
     * @param add makes block {@code i} and adds it to the model
     * @return the blocks, unmodifiable
     */
    static List<GptBlock> blocks(int layers, IntFunction<GptBlock> add) {
        List<GptBlock> stack = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            stack.add(add.apply(i));
        }
        return Collections.unmodifiableList(stack);
    }

    /**
     * The final hidden state: token plus position embedding, the blocks, the final LayerNorm.
     *
     * @param parameterStore the parameter store of the forward pass
     * @param ids token ids {@code (batch, sequence)}
     * @param tokens the token embedding
     * @param positions the position embedding
     * @param blocks the blocks
     * @param finalNorm the final LayerNorm
     * @param training whether this is a training pass
     * @return the normalized hidden state {@code (batch, sequence, dModel)}
     */
    static NDList hidden(
            ParameterStore parameterStore,
            NDArray ids,
            MuEmbedding tokens,
            MuEmbedding positions,
            List<GptBlock> blocks,
            LayerNorm finalNorm,
            boolean training) {
        long length = ids.getShape().get(1);
        NDArray where = ids.getManager().arange(0, (int) length, 1, DataType.INT32, ids.getDevice());
        NDArray x = tokens.forward(parameterStore, new NDList(ids), training).singletonOrThrow()
                .add(positions.forward(parameterStore, new NDList(where), training).singletonOrThrow());
        NDList h = new NDList(x);
        for (GptBlock block : blocks) {
            h = block.forward(parameterStore, h, training);
        }
        return finalNorm.forward(parameterStore, h, training);
    }

    /**
     * Initializes the trunk and then the readout for token ids of the given shape.
     *
     * @param model the model's name, for messages
     * @param context the longest sequence the model embeds
     * @param dModel the model dimension
     * @param manager the manager of the parameters
     * @param dataType the parameters' data type
     * @param ids the shape of the token ids
     * @param tokens the token embedding
     * @param positions the position embedding
     * @param blocks the blocks
     * @param finalNorm the final LayerNorm
     * @param readout the readout, initialized last on the hidden state's shape
     * @throws IllegalArgumentException if the ids are not {@code (batch, sequence ≤ context)}
     */
    static void initialize(
            String model,
            int context,
            int dModel,
            NDManager manager,
            DataType dataType,
            Shape ids,
            MuEmbedding tokens,
            MuEmbedding positions,
            List<GptBlock> blocks,
            LayerNorm finalNorm,
            Block readout) {
        if (ids.dimension() != 2 || ids.get(1) > context) {
            throw new IllegalArgumentException(
                    model + " expects token ids of shape (batch, sequence ≤ " + context + "), got " + ids);
        }
        Shape hidden = new Shape(ids.get(0), ids.get(1), dModel);
        tokens.initialize(manager, dataType, ids);
        positions.initialize(manager, dataType, new Shape(ids.get(1)));
        for (GptBlock block : blocks) {
            block.initialize(manager, dataType, hidden);
        }
        finalNorm.initialize(manager, dataType, hidden);
        readout.initialize(manager, dataType, hidden);
    }

    private static void requirePositive(String model, String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(model + " " + name + " must be positive, got " + value);
        }
    }
}
