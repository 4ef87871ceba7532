package dev.mup.examples.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;

/**
 * Mean cross-entropy of next-token logits {@code (batch, sequence, vocabulary)} against ids
 * {@code (batch, sequence)}: DJL's softmax cross-entropy expects one row per example, so both are
 * flattened to one row per position first.
 */
public final class SequenceLoss extends Loss {

    private final SoftmaxCrossEntropyLoss perPosition = new SoftmaxCrossEntropyLoss("SequenceLoss");

    /** Creates the loss. */
    public SequenceLoss() {
        super("SequenceLoss");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        long classes = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray rows = logits.reshape(-1, classes);
        NDArray ids = labels.singletonOrThrow().reshape(-1);
        return perPosition.evaluate(new NDList(ids), new NDList(rows));
    }
}
