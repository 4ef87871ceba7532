package com.example.classifier;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.workflow.task.MuTask;

/** The classifier on the blobs, as a μTransfer task: all the command line needs. */
public class ClassifierTask implements MuTask {

    private final Blobs blobs = new Blobs(16, 4, 7);

    @Override
    public int baseWidth() {
        return 32;
    }

    @Override
    public MuModel model(int width, MuOptions options) {
        return new ClassifierMuP(options, width, blobs.classes());
    }

    @Override
    public Shape[] inputShapes(int batch) {
        return new Shape[] {new Shape(batch, blobs.features())};
    }

    @Override
    public NDList[] trainingBatch(NDManager manager, int batch, long seed, int step) {
        return arrays(manager, blobs.batch(batch, seed * 1_000_003L + step));
    }

    @Override
    public NDList[] validationBatch(NDManager manager, int batch, int index) {
        return arrays(manager, blobs.batch(batch, -1 - index));
    }

    private NDList[] arrays(NDManager manager, Blobs.Batch b) {
        return new NDList[] {
            new NDList(manager.create(b.inputs(), new Shape(b.size(), blobs.features()))),
            new NDList(manager.create(b.labels()))
        };
    }
}
