package dev.mup.tests.attention;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuModelBuilder;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParametrization;

/**
 * A one-layer attention model declared to the runtime the way a generated constructor declares a
 * model (the processor's support for attention fields comes with the GPT example).
 */
final class AttentionModel extends AbstractBlock implements MuModel {

    static final int OUTPUTS = 5;

    final MuAttention attention;
    Linear readout;
    private final MuParametrization mu;

    AttentionModel(MuOptions options, int dModel, int base, MuAttention.Builder attentionBuilder) {
        attention = addChildBlock("attention", attentionBuilder.setModelDim(dModel).build());
        readout = addChildBlock("readout", Linear.builder().setUnits(OUTPUTS).build());
        MuModelBuilder builder = MuModelBuilder.forModel(AttentionModel.class, options).width("dModel", dModel, base);
        builder.hidden("attention", attention, "dModel", "dModel", children);
        readout = builder.output("readout", readout, "dModel", 1.0, false, children);
        mu = builder.build();
    }

    @Override
    public MuParametrization muParametrization() {
        return mu;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return readout.forward(ps, attention.forward(ps, inputs, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), OUTPUTS)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        attention.initialize(manager, dataType, inputShapes);
        readout.initialize(manager, dataType, inputShapes);
    }
}
