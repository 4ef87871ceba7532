package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuModelBuilder;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.MuRmsNorm;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RMSNorm: {@code x / sqrt(mean(x²) + ε) · g} over the last axis, checked against the formula
 * computed here; its gain is input-like (vector), fixed (scalar) or absent; its output is
 * observable.
 */
class MuRmsNormTest {

    private static final int D = 8;

    /** An RMSNorm as an {@code @MuInput} layer of width {@code d} (base 4), then a readout. */
    static final class NormModel extends AbstractBlock implements MuModel {
        final MuRmsNorm norm;
        Linear readout;
        private final MuParametrization mu;

        NormModel(MuRmsNorm.Gain gain, int d) {
            norm = addChildBlock("norm", MuRmsNorm.builder().optGain(gain).optEpsilon(1e-3f).build());
            readout = addChildBlock("readout", Linear.builder().setUnits(3).build());
            MuModelBuilder b = MuModelBuilder.forModel(NormModel.class, MuOptions.defaults()).width("d", d, 4);
            b.input("norm", norm, "d");
            readout = b.output("readout", readout, "d", 1.0, false, children);
            mu = b.build();
        }

        @Override
        public MuParametrization muParametrization() {
            return mu;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return readout.forward(ps, norm.forward(ps, inputs, training), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return readout.getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            norm.initialize(manager, dataType, inputShapes);
            readout.initialize(manager, dataType, inputShapes);
        }
    }

    private static NormModel model(NDManager manager, MuRmsNorm.Gain gain) {
        NormModel m = new NormModel(gain, D);
        m.initialize(manager, DataType.FLOAT32, new Shape(2, 3, D));
        return m;
    }

    /** The formula, in double, over the last axis of a (rows, D) array. */
    private static float[] rmsNorm(float[] x, float[] gain, double epsilon) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / D; r++) {
            double meanSquare = 0;
            for (int c = 0; c < D; c++) {
                meanSquare += (double) x[r * D + c] * x[r * D + c] / D;
            }
            double inverse = 1 / Math.sqrt(meanSquare + epsilon);
            for (int c = 0; c < D; c++) {
                double g = gain == null ? 1 : gain[gain.length == 1 ? 0 : c];
                y[r * D + c] = (float) (x[r * D + c] * inverse * g);
            }
        }
        return y;
    }

    @Test
    void forwardIsTheFormulaForEveryGain() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (MuRmsNorm.Gain gain : MuRmsNorm.Gain.values()) {
                NormModel m = model(manager, gain);
                float[] g = null;
                if (gain != MuRmsNorm.Gain.NONE) {
                    NDArray gamma = m.norm.getParameters().get("gamma").getArray();
                    assertEquals(gain == MuRmsNorm.Gain.SCALAR ? new Shape(1) : new Shape(D), gamma.getShape());
                    assertEquals(gamma.size(), gamma.eq(1f).sum().getLong(), "gain starts at 1");
                    gamma.set(manager.randomUniform(0.5f, 2f, gamma.getShape()).toFloatArray());
                    g = gamma.toFloatArray();
                } else {
                    assertTrue(m.norm.getParameters().isEmpty(), "no gain, no parameter");
                }
                NDArray x = manager.randomNormal(0f, 3f, new Shape(2, 3, D), DataType.FLOAT32);
                // a small row shows ε at work
                x.set(new ai.djl.ndarray.index.NDIndex("0, 0"), manager.full(new Shape(D), 0.01f));
                float[] actual = m.norm.forward(new ParameterStore(manager, false), new NDList(x), false)
                        .singletonOrThrow().toFloatArray();
                float[] expected = rmsNorm(x.toFloatArray(), g, 1e-3);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), gain + " [" + i + "]");
                }
            }
        }
    }

    @Test
    void vectorGainIsInputLikeAndScalarGainIsFixed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // width 8 over base 4: m = 2
            ParameterReport vector = model(manager, MuRmsNorm.Gain.VECTOR).muParametrization()
                    .report(UpdateRule.SGD, WeightDecayMode.COUPLED).get(0);
            assertEquals("norm.gamma", vector.parameter().name());
            assertEquals(ParameterClass.INPUT_LIKE, vector.parameter().parameterClass());
            assertEquals(2.0, vector.scaling().lrMultiplier(), 1e-15, "input-like SGD lr η·m_out");
            ParameterReport scalar = model(manager, MuRmsNorm.Gain.SCALAR).muParametrization()
                    .report(UpdateRule.SGD, WeightDecayMode.COUPLED).get(0);
            assertEquals("norm.gamma", scalar.parameter().name());
            assertEquals(ParameterClass.FIXED, scalar.parameter().parameterClass());
            assertEquals(1.0, scalar.scaling().lrMultiplier(), 1e-15, "fixed: lr as at base width");
            assertEquals(1.0, scalar.scaling().weightDecayMultiplier(), 1e-15);
            List<ParameterReport> none = model(manager, MuRmsNorm.Gain.NONE).muParametrization()
                    .report(UpdateRule.ADAM, WeightDecayMode.COUPLED);
            assertEquals("readout.weight", none.get(0).parameter().name(), "the norm has no parameter");
            assertTrue(model(manager, MuRmsNorm.Gain.SCALAR).norm.getParameters().get("gamma").requiresGradient());
        }
    }

    @Test
    @SuppressWarnings("try")
    void outputIsObservableAndBadEpsilonIsRejected() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NormModel m = model(manager, MuRmsNorm.Gain.VECTOR);
            List<String> seen = new ArrayList<>();
            try (AutoCloseable observing = m.muParametrization().observe((layer, out) -> seen.add(layer))) {
                m.forward(new ParameterStore(manager, false), new NDList(manager.ones(new Shape(2, 3, D))), false);
            }
            assertEquals(List.of("norm", "readout"), seen);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MuRmsNorm.builder().optEpsilon(0f));
        assertTrue(e.getMessage().contains("epsilon"), e.getMessage());
        assertFalse(MuRmsNorm.builder().build().gain() != MuRmsNorm.Gain.VECTOR, "vector gain by default");
    }
}
