package com.example.classifier;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

/**
 * Plain training through the μP runtime, no workflow: {@code ClassifierMuP} at width 256 with
 * its μP Adam, 60 steps on the blobs; prints the first and last training loss.
 */
public final class TrainOnce {

    public static void main(String[] args) {
        Blobs blobs = new Blobs(16, 4, 7);
        ClassifierMuP block = new ClassifierMuP(256, blobs.classes());
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("classifier")) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, blobs.features()));
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(block.adam(0.01f).build());
            try (Trainer trainer = model.newTrainer(config)) {
                float first = Float.NaN;
                float last = Float.NaN;
                for (int step = 0; step < 60; step++) {
                    try (NDManager batchManager = trainer.getManager().newSubManager()) {
                        Blobs.Batch batch = blobs.batch(64, step);
                        NDArray x = batchManager.create(batch.inputs(), new Shape(batch.size(), blobs.features()));
                        NDArray y = batchManager.create(batch.labels());
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                            last = loss.getFloat();
                            if (step == 0) {
                                first = last;
                            }
                            collector.backward(loss);
                        }
                        trainer.step();
                    }
                }
                System.out.printf("first loss %.4f, last loss %.4f%n", first, last);
            }
        }
    }
}
