package dev.mup.tests.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.mup.tests.processor.ProcessorTestSupport.block;
import static dev.mup.tests.processor.ProcessorTestSupport.compile;
import static dev.mup.tests.processor.ProcessorTestSupport.muBlock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.mup.tests.processor.ProcessorTestSupport.RecordingProcessor;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Convolutions and BatchNorm as role fields: DJL's {@code Conv1d}, {@code Conv2d} and
 * {@code Conv3d} under {@code @MuInput} and {@code @MuHidden} (in models and in {@code @MuBlock}s),
 * declared as exactly that type and not final because the generated code assigns the layer the
 * runtime returns; {@code BatchNorm} under {@code @MuInput}, kept in place. Neither is a readout.
 */
class ConvolutionFieldsTest {

    private static final String WIDTH = "  @Width(base = 8) int width;";
    private static final String READOUT = "  @MuOutput Linear readout;";
    private static final String CONV = "ai.djl.nn.convolutional.";
    private static final String BATCH_NORM = "ai.djl.nn.norm.BatchNorm";

    private static Compilation failing(JavaFileObject source) {
        RecordingProcessor processor = new RecordingProcessor();
        Compilation compilation = Compiler.javac()
                .withProcessors(processor)
                .withOptions("-encoding", "UTF-8")
                .compile(source);
        assertThat(compilation).failed();
        assertEquals(List.of(), processor.createdSourceFiles(), "nothing is generated for invalid models");
        return compilation;
    }

    @Test
    void convolutionsAndBatchNormAreDeclaredInModels() {
        JavaFileObject source = block(
                "Cnn",
                WIDTH,
                "  @MuInput " + CONV + "Conv2d stem;",
                "  @MuInput final " + BATCH_NORM + " stemNorm = null;",
                "  @MuHidden " + CONV + "Conv1d c1;",
                "  @MuHidden(fanIn = \"width\", fanOut = \"width\") " + CONV + "Conv2d c2;",
                "  @MuInput " + CONV + "Conv3d c3;",
                READOUT);

        Compilation compilation = compile(source);

        assertThat(compilation).succeededWithoutWarnings();
        String generated = ProcessorTestSupport.generatedText(compilation, "test.CnnMuP");
        assertContains(generated,
                "    this.stem = mu.input(\"stem\", this.stem, \"width\", this.children);\n"
                        + "    mu.input(\"stemNorm\", this.stemNorm, \"width\");\n"
                        + "    this.c1 = mu.hidden(\"c1\", this.c1, \"width\", \"width\", this.children);\n"
                        + "    this.c2 = mu.hidden(\"c2\", this.c2, \"width\", \"width\", this.children);\n"
                        + "    this.c3 = mu.input(\"c3\", this.c3, \"width\", this.children);\n");
    }

    @Test
    void convolutionsAndBatchNormAreDeclaredInBlocks() {
        JavaFileObject unit = muBlock(
                "ConvUnit",
                "  @MuHidden(fanIn = \"width\", fanOut = \"width\") " + CONV + "Conv2d conv;",
                "  @MuInput(width = \"width\") " + BATCH_NORM + " norm;");
        JavaFileObject model = block("Tower", WIDTH, "  ConvUnit[] units;", READOUT);

        Compilation compilation = compile(unit, model);

        assertThat(compilation).succeededWithoutWarnings();
        String generated = ProcessorTestSupport.generatedText(compilation, "test.ConvUnitMuP");
        assertContains(generated,
                "block.conv = mu.hidden(path + \"conv\", block.conv, \"width\", \"width\", children);");
        assertContains(generated, "mu.input(path + \"norm\", block.norm, \"width\");");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Conv1d", "Conv2d", "Conv3d"})
    void finalConvolution(String type) {
        JavaFileObject source = block(
                "FinalConv", WIDTH, "  @MuHidden final " + CONV + type + " conv = null;", READOUT);

        Compilation compilation = failing(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("@MuHidden field 'conv' must not be final: the generated constructor "
                        + (type.equals("Conv2d")
                                ? "installs a μP Conv2d in place of the layer and assigns it to the field"
                                : "assigns to the field the layer that MuModelBuilder returns for it (the same "
                                        + type + ", parametrized)")
                        + "; remove final")
                .inFile(source).onLineContaining("conv = null;");
    }

    @Test
    void convolutionDeclaredAsItsSupertype() {
        JavaFileObject source = block(
                "Abstract", WIDTH, "  @MuHidden " + CONV + "Convolution conv;", READOUT);

        Compilation compilation = failing(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("@MuHidden field 'conv' has type ai.djl.nn.convolutional.Convolution, which"
                        + " μP does not support: @MuHidden needs an ai.djl.nn.core.Linear,"
                        + " dev.mup.runtime.MuAttention, ai.djl.nn.convolutional.Conv1d,"
                        + " ai.djl.nn.convolutional.Conv2d or ai.djl.nn.convolutional.Conv3d;")
                .inFile(source).onLineContaining("Convolution conv;");
    }

    @Test
    void convolutionReadout() {
        JavaFileObject source = block("ConvReadout", WIDTH, "  @MuOutput " + CONV + "Conv2d readout;");

        Compilation compilation = failing(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("@MuOutput field 'readout' has type ai.djl.nn.convolutional.Conv2d, which μP"
                        + " does not support: @MuOutput needs an ai.djl.nn.core.Linear or"
                        + " dev.mup.runtime.MuTiedReadout;")
                .inFile(source).onLineContaining("Conv2d readout;");
    }

    @Test
    void hiddenBatchNorm() {
        JavaFileObject source = block("HiddenNorm", WIDTH, "  @MuHidden " + BATCH_NORM + " norm;", READOUT);

        Compilation compilation = failing(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("@MuHidden field 'norm' has type ai.djl.nn.norm.BatchNorm, which μP does"
                        + " not support: @MuHidden needs an ai.djl.nn.core.Linear,")
                .inFile(source).onLineContaining("BatchNorm norm;");
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected\n" + part + "\nin\n" + text);
    }
}
