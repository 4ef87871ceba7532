package dev.mup.runtime;

import ai.djl.nn.Block;

/**
 * A model in μP: implemented by every class the μP processor generates. It exposes the model's
 * {@link MuParametrization} and builds optimizers whose per-parameter learning rates and weight
 * decays follow μP.
 *
 * <pre>{@code
 * MlpMuP model = new MlpMuP(1024, 3072, 10);
 * model.initialize(manager, DataType.FLOAT32, new Shape(1, 3072));
 * Optimizer adam = model.adam(1e-3f).build();
 * }</pre>
 */
public interface MuModel extends Block {

    /**
     * The model's widths, layers and the rule that scales them.
     *
     * @return the parametrization
     */
    MuParametrization muParametrization();

    /**
     * Adam with μP learning rates (and, if set, coupled L2 weight decay, mup's default).
     *
     * @param learningRate the global learning rate, as tuned at base width
     * @return a builder; its {@code build()} requires the model to be initialized
     */
    default MuAdam.Builder adam(float learningRate) {
        return MuAdam.builder(this).optLearningRate(learningRate);
    }

    /**
     * AdamW: Adam with decoupled weight decay {@code w -= lr · wd · w}.
     *
     * @param learningRate the global learning rate
     * @param weightDecay the global weight decay
     * @return a builder; its {@code build()} requires the model to be initialized
     */
    default MuAdam.Builder adamW(float learningRate, float weightDecay) {
        return MuAdam.builder(this)
                .optLearningRate(learningRate)
                .optWeightDecay(weightDecay, WeightDecayMode.DECOUPLED);
    }

    /**
     * SGD with μP learning rates.
     *
     * @param learningRate the global learning rate, as tuned at base width
     * @return a builder; its {@code build()} requires the model to be initialized
     */
    default MuSgd.Builder sgd(float learningRate) {
        return MuSgd.builder(this).optLearningRate(learningRate);
    }

    /**
     * Lion with μP learning rates (scaled as Adam's) and no weight decay unless set
     * ({@code optWeightDecay(wd, WeightDecayMode.DECOUPLED)}).
     *
     * @param learningRate the global learning rate, as tuned at base width
     * @return a builder; its {@code build()} requires the model to be initialized
     */
    default MuLion.Builder lion(float learningRate) {
        return MuLion.builder(this).optLearningRate(learningRate);
    }
}
