package dev.mup.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.tests.conv.CnnModels;
import dev.mup.tests.support.NpyArchive;
import dev.mup.tests.support.Reference;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Eight training steps of mup's CNN test model (without BatchNorm) through DJL's {@link Trainer},
 * from microsoft/mup's initial parameters and batches, reproduce mup's losses and final
 * parameters for MuAdam (lr 1e-3) and MuSGD (lr 0.05) at widths 8 and 16 (base 8): losses to
 * 1e-5 absolute, each final parameter tensor to 1e-5 in relative error
 * {@code ‖θ − θ_mup‖₂ / ‖θ_mup‖₂}. The reference tensors are in PyTorch's layouts, which DJL
 * shares: conv weights {@code (out, in, kh, kw)}, Linear weights {@code (out, in)}, and the
 * flatten before {@code fc1} orders features {@code (C, H, W)} in both.
 */
class CnnTrajectoryConformanceTest {

    private static final double LOSS_TOLERANCE = 1e-5;
    private static final double PARAMETER_TOLERANCE = 1e-5;
    private static final NpyArchive NPZ = Reference.archive("cnn_trajectory.npz");
    private static final JsonObject JSON = Reference.json("cnn_trajectory.json");

    @ParameterizedTest(name = "{0} at width {1}")
    @CsvSource({"adam,8", "adam,16", "sgd,8", "sgd,16"})
    void trajectoryMatchesMup(String optimizer, int width) {
        assertEquals(8, JSON.get("base_width").getAsInt());
        assertEquals(false, JSON.get("batchnorm").getAsBoolean());
        int steps = JSON.get("steps").getAsInt();
        int batch = JSON.get("batch").getAsInt();
        Shape inputShape = new Shape(batch, 3, 32, 32);
        int inputSize = (int) inputShape.size();
        JsonObject run = JSON.getAsJsonObject("runs").getAsJsonObject(optimizer + "/width" + width);
        NpyArchive.Array x = NPZ.get("x");
        NpyArchive.Array y = NPZ.get("y");

        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("reference-cnn")) {
            MuModel cnn = CnnModels.create(MuOptions.defaults(), width, false);
            CnnModels.initialize(cnn, manager, 1);
            List<MuParameter> parameters = cnn.muParametrization().parameters();
            assertEquals(10, parameters.size());
            for (MuParameter p : parameters) {
                NpyArchive.Array initial = NPZ.get("w" + width + "/" + CnnModels.mupName(p.name(), false));
                assertEquals(Arrays.toString(initial.shape()),
                        Arrays.toString(p.shape().stream().mapToLong(Long::longValue).toArray()), p.name());
                CnnModels.parameter(cnn, p.name()).getArray().set(FloatBuffer.wrap(initial.floats()));
            }
            Optimizer opt = "adam".equals(optimizer)
                    ? cnn.adam(1e-3f).optBeta1(0.9).optBeta2(0.999).optEpsilon(1e-8).build()
                    : cnn.sgd(0.05f).build();
            model.setBlock(cnn);
            try (Trainer trainer = model.newTrainer(
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(opt))) {
                JsonArray expectedLosses = run.getAsJsonArray("losses_before_each_step");
                for (int t = 0; t < steps; t++) {
                    NDArray xs = manager.create(slice(x.floats(), t, inputSize), inputShape);
                    NDArray ys = manager.create(slice(y.longs(), t, batch));
                    float loss;
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray l = trainer.getLoss().evaluate(new NDList(ys), trainer.forward(new NDList(xs)));
                        loss = l.getFloat();
                        collector.backward(l);
                    }
                    trainer.step();
                    assertEquals(expectedLosses.get(t).getAsDouble(), loss, LOSS_TOLERANCE,
                            optimizer + " width " + width + ": loss before step " + (t + 1));
                }
                NDArray x0 = manager.create(slice(x.floats(), 0, inputSize), inputShape);
                NDArray y0 = manager.create(slice(y.longs(), 0, batch));
                float finalLoss = trainer.getLoss()
                        .evaluate(new NDList(y0), trainer.evaluate(new NDList(x0))).getFloat();
                assertEquals(run.get("final_loss_on_batch0").getAsDouble(), finalLoss, LOSS_TOLERANCE,
                        optimizer + " width " + width + ": final loss on batch 0");
            }
            for (MuParameter p : parameters) {
                float[] expected = NPZ.get(
                        "final/" + optimizer + "/w" + width + "/" + CnnModels.mupName(p.name(), false)).floats();
                float[] actual = CnnModels.parameter(cnn, p.name()).getArray().toFloatArray();
                double squaredError = 0;
                double squaredNorm = 0;
                double maxDiff = 0;
                for (int i = 0; i < expected.length; i++) {
                    double d = actual[i] - expected[i];
                    squaredError += d * d;
                    squaredNorm += (double) expected[i] * expected[i];
                    maxDiff = Math.max(maxDiff, Math.abs(d));
                }
                double relative = Math.sqrt(squaredError / squaredNorm);
                assertTrue(relative <= PARAMETER_TOLERANCE,
                        optimizer + " width " + width + " " + p.name() + ": relative error ‖Δ‖/‖θ‖ = "
                                + relative + " (max |Δ| " + maxDiff + ") exceeds " + PARAMETER_TOLERANCE);
            }
        }
    }

    private static float[] slice(float[] all, int index, int length) {
        return Arrays.copyOfRange(all, index * length, (index + 1) * length);
    }

    private static long[] slice(long[] all, int index, int length) {
        return Arrays.copyOfRange(all, index * length, (index + 1) * length);
    }
}
