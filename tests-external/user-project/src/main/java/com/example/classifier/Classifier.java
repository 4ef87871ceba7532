package com.example.classifier;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;

/**
 * A user's model, written outside the μP project: a classifier with two hidden layers of the
 * same width and GELU activations, {@code features → width → width → width → classes}.
 */
public class Classifier extends AbstractBlock {

    @Width(base = 32) final int width;
    final int classes;

    @MuInput Linear embed;
    @MuHidden Linear hidden1;
    @MuHidden Linear hidden2;
    @MuOutput Linear head;

    public Classifier(int width, int classes) {
        this.width = width;
        this.classes = classes;
        embed = addChildBlock("embed", Linear.builder().setUnits(width).build());
        hidden1 = addChildBlock("hidden1", Linear.builder().setUnits(width).build());
        hidden2 = addChildBlock("hidden2", Linear.builder().setUnits(width).build());
        head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = embed.forward(store, inputs, training);
        x = new NDList(Activation.gelu(x.singletonOrThrow()));
        x = hidden1.forward(store, x, training);
        x = new NDList(Activation.gelu(x.singletonOrThrow()));
        x = hidden2.forward(store, x, training);
        x = new NDList(Activation.gelu(x.singletonOrThrow()));
        return head.forward(store, x, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        embed.initialize(manager, dataType, shape);
        shape = new Shape(shape.get(0), width);
        hidden1.initialize(manager, dataType, shape);
        hidden2.initialize(manager, dataType, shape);
        head.initialize(manager, dataType, shape);
    }
}
