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
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.runtime.MuOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinate-check flake, reproduced: trains the μP GPT (width 64, 6 steps) several times in
 * one JVM and prints the losses; with "gc" it collects garbage between every forward and
 * backward. Before commit 82bb7c1 (e.g. at c6bf0ba) the losses with "gc" differ from run to run
 * and from those without it, from the second step on, and are sometimes NaN (1 run in 6 here);
 * since, they are the same with or without it.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp examples/target/mup-examples.jar \
 *      examples/bench/probes/GcBetweenForwardAndBackward.java [runs] [gc]
 * </pre>
 */
public class GcBetweenForwardAndBackward {
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        boolean collect = args.length > 1 && "gc".equals(args[1]);
        CharCorpus corpus = CharCorpus.builtIn();
        for (int r = 0; r < runs; r++) {
            List<Float> losses = new ArrayList<>();
            try (Model model = Model.newInstance("gpt")) {
                Engine.getInstance().setRandomSeed(5);
                GptMuP gpt = new GptMuP(MuOptions.defaults(), corpus.vocabulary(), 16, 2, 64, 16);
                gpt.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(4, 16));
                model.setBlock(gpt);
                try (Trainer trainer = model.newTrainer(
                        new DefaultTrainingConfig(new SequenceLoss()).optOptimizer(gpt.adam(3e-3f).build()))) {
                    for (int t = 0; t < 6; t++) {
                        try (NDManager batch = trainer.getManager().newSubManager()) {
                            NDList[] b = corpus.trainBatch(batch, 4, 16, 1, t);
                            try (GradientCollector c = trainer.newGradientCollector()) {
                                NDArray loss = trainer.getLoss().evaluate(b[1], trainer.forward(b[0]));
                                losses.add(loss.getFloat());
                                if (collect) {
                                    System.gc();
                                }
                                c.backward(loss);
                            }
                            trainer.step();
                        }
                    }
                }
            }
            System.out.println(losses);
        }
    }
}
