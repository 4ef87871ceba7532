import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * The fixed cost per parameter tensor of the μP optimizers' fused CPU update: the calls that find
 * the memory of an array (toByteBuffer(true), which HostUpdate makes twice per array to check it
 * is shared), fetch the gradient, and open a scope. Microseconds per call on a 384-element array.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp examples/target/mup-examples.jar examples/bench/probes/JniCallCost.java
 * </pre>
 */
public class JniCallCost {
    public static void main(String[] args) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(384));
            x.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(x.mul(x).sum());
            }
            int n = 20000;
            long sink = 0;
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink += x.toByteBuffer(true).capacity();
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    try (NDArray g = x.getGradient()) {
                        sink += g.size();
                    }
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    try (NDScope s = new NDScope()) {
                        s.suppressNotUsedWarning();
                        sink++;
                    }
                }
                long t3 = System.nanoTime();
                System.out.printf("round %d: toByteBuffer(true) %.2f µs, getGradient + close %.2f µs,"
                        + " NDScope %.2f µs%n", round + 1, (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n,
                        (t3 - t2) / 1e3 / n);
            }
            if (sink == 42) {
                System.out.println();
            }
        }
    }
}
