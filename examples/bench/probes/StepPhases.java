import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.mup.examples.bench.PlainGpt;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.runtime.MuOptions;
import java.util.Arrays;

/**
 * Where a training step's time goes: forward + backward, then Trainer.step(), timed apart for
 * the μP GPT (μP Adam) and the plain DJL GPT (DJL's Adam), the bench command's two variants,
 * alternating step by step. Medians of 40 steps after 10, in ms.
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *      -cp examples/target/mup-examples.jar examples/bench/probes/StepPhases.java
 * </pre>
 */
public class StepPhases {
    public static void main(String[] args) {
        CharCorpus corpus = CharCorpus.builtIn();
        for (int width : new int[] {128, 256, 512}) {
            Engine.getInstance().setRandomSeed(1);
            GptMuP mu = new GptMuP(MuOptions.defaults(), corpus.vocabulary(), 64, 2, width, 32);
            Engine.getInstance().setRandomSeed(1);
            PlainGpt plain = new PlainGpt(corpus.vocabulary(), 64, 2, width, 32);
            try (Model mm = Model.newInstance("mu"); Model pm = Model.newInstance("plain")) {
                mm.setBlock(mu);
                mu.initialize(mm.getNDManager(), DataType.FLOAT32, new Shape(16, 64));
                pm.setBlock(plain);
                plain.initialize(pm.getNDManager(), DataType.FLOAT32, new Shape(16, 64));
                Optimizer djlAdam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
                try (Trainer mt = mm.newTrainer(new DefaultTrainingConfig(new SequenceLoss())
                                .optOptimizer(mu.adam(1e-3f).build()));
                        Trainer pt = pm.newTrainer(new DefaultTrainingConfig(new SequenceLoss())
                                .optOptimizer(djlAdam))) {
                    double[][] ms = new double[4][40];
                    for (int s = -10; s < 40; s++) {
                        for (int v = 0; v < 2; v++) {
                            Trainer trainer = v == 0 ? mt : pt;
                            try (NDManager batch = trainer.getManager().newSubManager()) {
                                NDList[] b = corpus.trainBatch(batch, 16, 64, 1, s + 10);
                                long t0 = System.nanoTime();
                                NDArray loss;
                                try (GradientCollector c = trainer.newGradientCollector()) {
                                    loss = trainer.getLoss().evaluate(b[1], trainer.forward(b[0]));
                                    c.backward(loss);
                                }
                                loss.getFloat();
                                long t1 = System.nanoTime();
                                trainer.step();
                                loss.getFloat();
                                long t2 = System.nanoTime();
                                if (s >= 0) {
                                    ms[2 * v][s] = (t1 - t0) / 1e6;
                                    ms[2 * v + 1][s] = (t2 - t1) / 1e6;
                                }
                            }
                        }
                    }
                    for (double[] m : ms) {
                        Arrays.sort(m);
                    }
                    System.out.printf("width %d: μP forward+backward %.2f, step %.2f | plain forward+backward %.2f,"
                            + " step %.2f (median ms)%n", width, ms[0][20], ms[1][20], ms[2][20], ms[3][20]);
                }
            }
        }
    }
}
