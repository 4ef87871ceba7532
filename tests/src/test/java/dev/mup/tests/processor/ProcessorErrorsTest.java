package dev.mup.tests.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.mup.tests.processor.ProcessorTestSupport.block;
import static dev.mup.tests.processor.ProcessorTestSupport.compile;
import static dev.mup.tests.processor.ProcessorTestSupport.compileLibrary;
import static dev.mup.tests.processor.ProcessorTestSupport.muBlock;
import static dev.mup.tests.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.mup.tests.processor.ProcessorTestSupport.RecordingProcessor;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The validation rules of the μP processor: each broken model fails with an actionable error on
 * the offending class or field (or, for a forgotten role, succeeds with a warning), and nothing is
 * generated for it.
 */
class ProcessorErrorsTest {

    private static final String WIDTH = "  @Width(base = 64) int width;";
    private static final String INPUT = "  @MuInput Linear input;";
    private static final String HIDDEN = "  @MuHidden Linear hidden;";
    private static final String READOUT = "  @MuOutput Linear readout;";

    private static final String ATTENTION = "dev.mup.runtime.MuAttention";
    private static final String TIED_READOUT = "dev.mup.runtime.MuTiedReadout";

    /** A subclass of Linear, nested in the model. */
    private static final String WIDE_LINEAR =
            "  static class WideLinear extends Linear { WideLinear() { super(Linear.builder().setUnits(1)); } }";

    /** Compiles a model that must fail, and checks that no subclass was generated for it. */
    private static Compilation failing(JavaFileObject source, String generatedName) {
        RecordingProcessor processor = new RecordingProcessor();
        Compilation compilation = Compiler.javac()
                .withProcessors(processor)
                .withOptions("-encoding", "UTF-8")
                .compile(source);
        assertThat(compilation).failed();
        assertFalse(
                processor.createdSourceFiles().contains(generatedName),
                generatedName + " must not be generated for an invalid model");
        assertEquals(List.of(), processor.createdSourceFiles(), "nothing is generated for invalid models");
        return compilation;
    }

    @Test
    void correctModelCompilesWithoutWarnings() {
        Compilation compilation = compile(block("Good", WIDTH, INPUT, HIDDEN, READOUT));

        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.GoodMuP");
    }

    @Test
    void allErrorsOfAModelAreReported() {
        JavaFileObject source = block(
                "Broken",
                "  @Width(base = 64) private int width;",
                "  @MuInput(width = \"wdth\") Linear input;",
                "  @MuHidden Embedding<String> hidden;",
                "  @MuOutput final Linear readout = Linear.builder().setUnits(1).build();");

        Compilation compilation = failing(source, "test.BrokenMuP");

        assertThat(compilation).hadErrorCount(4);
        assertThat(compilation).hadErrorContaining("must not be private")
                .inFile(source).onLineContaining("private int width;");
        assertThat(compilation).hadErrorContaining("names no @Width field")
                .inFile(source).onLineContaining("Linear input;");
        assertThat(compilation).hadErrorContaining("which μP does not support")
                .inFile(source).onLineContaining("Embedding<String> hidden;");
        assertThat(compilation).hadErrorContaining("must not be final")
                .inFile(source).onLineContaining("final Linear readout");
    }

    /** Rule 1: role annotations need a width. */
    @Test
    void rolesWithoutWidth() {
        JavaFileObject source = block("NoWidth", INPUT, READOUT);

        Compilation compilation = failing(source, "test.NoWidthMuP");

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("has μP role annotations (@MuInput, @MuHidden, @MuOutput) but no @Width field")
                .inFile(source).onLineContaining("public class NoWidth");
    }

    /** Rule 2: @Width needs a non-private instance int with a positive base. */
    @Nested
    class WidthFields {

        @Test
        void notInt() {
            JavaFileObject source = block("LongWidth", "  @Width(base = 64) long width;", READOUT);

            Compilation compilation = failing(source, "test.LongWidthMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("@Width field 'width' must be an int, but it is long")
                    .inFile(source).onLineContaining("long width;");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -8})
        void baseNotPositive(int base) {
            JavaFileObject source = block("ZeroBase", "  @Width(base = " + base + ") int width;", READOUT);

            Compilation compilation = failing(source, "test.ZeroBaseMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("@Width(base = " + base + ") on 'width' must be positive")
                    .inFile(source).onLineContaining("int width;");
        }

        @Test
        void staticField() {
            JavaFileObject source = block("StaticWidth", "  @Width(base = 64) static int width;", READOUT);

            Compilation compilation = failing(source, "test.StaticWidthMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("@Width field 'width' must not be static")
                    .inFile(source).onLineContaining("static int width;");
        }

        @Test
        void privateField() {
            JavaFileObject source = block("PrivateWidth", "  @Width(base = 64) private int width;", READOUT);

            Compilation compilation = failing(source, "test.PrivateWidthMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("@Width field 'width' must not be private")
                    .inFile(source).onLineContaining("private int width;");
        }
    }

    /** Rule 3: role annotations must name existing widths, and must name one when there are several. */
    @Nested
    class WidthNames {

        @Test
        void unknownWidth() {
            JavaFileObject source = block("Typo", WIDTH, "  @MuInput(width = \"wdth\") Linear input;", READOUT);

            Compilation compilation = failing(source, "test.TypoMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuInput(width = \"wdth\") on 'input' names no @Width field of Typo;"
                            + " known widths: width")
                    .inFile(source).onLineContaining("Linear input;");
        }

        @Test
        void emptyWidthWithSeveralWidths() {
            JavaFileObject source = block(
                    "TwoWidths",
                    "  @Width(base = 64) int dModel;",
                    "  @Width(base = 256) int dFfn;",
                    "  @MuInput Linear input;",
                    "  @MuHidden(fanIn = \"dModel\") Linear up;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failing(source, "test.TwoWidthsMuP");

            assertThat(compilation).hadErrorCount(2);
            assertThat(compilation)
                    .hadErrorContaining("@MuInput(width) of 'input' is empty, but TwoWidths declares 2 widths"
                            + " (dModel, dFfn): set width")
                    .inFile(source).onLineContaining("Linear input;");
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden(fanOut) of 'up' is empty, but TwoWidths declares 2 widths"
                            + " (dModel, dFfn): set fanOut")
                    .inFile(source).onLineContaining("Linear up;");
        }
    }

    /** Rule 4: a field has one role, and is not also a width. */
    @Nested
    class Conflicts {

        @Test
        void twoRoles() {
            JavaFileObject source = block("TwoRoles", WIDTH, "  @MuInput @MuHidden Linear both;", READOUT);

            Compilation compilation = failing(source, "test.TwoRolesMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("'both' has @MuInput and @MuHidden, but a layer has exactly one μP role")
                    .inFile(source).onLineContaining("Linear both;");
        }

        @Test
        void roleAndWidth() {
            JavaFileObject source = block("RoleAndWidth", WIDTH, "  @Width(base = 8) @MuInput int size;", READOUT);

            Compilation compilation = failing(source, "test.RoleAndWidthMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("'size' has both @Width and @MuInput")
                    .inFile(source).onLineContaining("int size;");
        }
    }

    /**
     * Rule 5: each role supports some layer types: Linear as itself only (a μP Linear is installed
     * in its place), Embedding, LayerNorm and BatchNorm with their subclasses (@MuInput), the
     * convolutions as themselves (@MuInput, @MuHidden), the runtime's MuAttention (@MuHidden) and
     * MuTiedReadout (@MuOutput).
     */
    @Nested
    class FieldTypes {

        @Test
        void hiddenEmbedding() {
            JavaFileObject source = block("HiddenEmbedding", WIDTH, "  @MuHidden Embedding<String> hidden;", READOUT);

            Compilation compilation = failing(source, "test.HiddenEmbeddingMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden field 'hidden' has type"
                            + " ai.djl.nn.core.Embedding<java.lang.String>, which μP does not support:"
                            + " @MuHidden needs an ai.djl.nn.core.Linear, dev.mup.runtime.MuAttention,"
                            + " ai.djl.nn.convolutional.Conv1d, ai.djl.nn.convolutional.Conv2d or"
                            + " ai.djl.nn.convolutional.Conv3d;"
                            + " declare the field with a supported layer or block type")
                    .inFile(source).onLineContaining("Embedding<String> hidden;");
        }

        @Test
        void inputSequentialBlock() {
            JavaFileObject source = block("InputBlock", WIDTH, "  @MuInput SequentialBlock input;", READOUT);

            Compilation compilation = failing(source, "test.InputBlockMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("which μP does not support: @MuInput needs an ai.djl.nn.core.Linear,"
                            + " ai.djl.nn.core.Embedding, ai.djl.nn.norm.LayerNorm,"
                            + " ai.djl.nn.convolutional.Conv1d, ai.djl.nn.convolutional.Conv2d,"
                            + " ai.djl.nn.convolutional.Conv3d or ai.djl.nn.norm.BatchNorm (or a subclass of"
                            + " Embedding, LayerNorm or BatchNorm); declare the field with a supported layer"
                            + " or block type")
                    .inFile(source).onLineContaining("SequentialBlock input;");
        }

        @Test
        void inputAttention() {
            JavaFileObject source = block("InputAttention", WIDTH, "  @MuInput " + ATTENTION + " attention;", READOUT);

            Compilation compilation = failing(source, "test.InputAttentionMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuInput field 'attention' has type dev.mup.runtime.MuAttention, which"
                            + " μP does not support: @MuInput needs an ai.djl.nn.core.Linear,"
                            + " ai.djl.nn.core.Embedding, ai.djl.nn.norm.LayerNorm,")
                    .inFile(source).onLineContaining("MuAttention attention;");
        }

        @Test
        void outputAttention() {
            JavaFileObject source = block("OutputAttention", WIDTH, "  @MuOutput " + ATTENTION + " readout;");

            Compilation compilation = failing(source, "test.OutputAttentionMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuOutput field 'readout' has type dev.mup.runtime.MuAttention, which"
                            + " μP does not support: @MuOutput needs an ai.djl.nn.core.Linear or"
                            + " dev.mup.runtime.MuTiedReadout;")
                    .inFile(source).onLineContaining("MuAttention readout;");
        }

        @ParameterizedTest
        @ValueSource(strings = {"@MuInput", "@MuHidden"})
        void tiedReadoutOutsideMuOutput(String role) {
            JavaFileObject source = block("MisplacedTied", WIDTH, "  " + role + " " + TIED_READOUT + " tied;", READOUT);

            Compilation compilation = failing(source, "test.MisplacedTiedMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining(role + " field 'tied' has type dev.mup.runtime.MuTiedReadout, which μP"
                            + " does not support: " + role + " needs an ai.djl.nn.core.Linear")
                    .inFile(source).onLineContaining("MuTiedReadout tied;");
            assertThat(compilation).hadErrorContaining(role.equals("@MuHidden")
                    ? "needs an ai.djl.nn.core.Linear, dev.mup.runtime.MuAttention, ai.djl.nn.convolutional.Conv1d,"
                    : "needs an ai.djl.nn.core.Linear, ai.djl.nn.core.Embedding, ai.djl.nn.norm.LayerNorm,");
        }

        @Test
        void runtimeTypesMissingFromTheClasspathAreNotSupported() throws Exception {
            // Without the runtime (or with one that lacks the blocks), the processor looks the
            // blocks up in vain: the roles fall back to the DJL types, and the messages name only
            // those.
            List<File> withoutRuntime = new ArrayList<>();
            for (String type : List.of(
                    "ai.djl.nn.AbstractBlock", "dev.mup.annotations.Width", "com.google.gson.Gson")) {
                withoutRuntime.add(new File(
                        Class.forName(type).getProtectionDomain().getCodeSource().getLocation().toURI()));
            }
            JavaFileObject source = block(
                    "NoRuntime",
                    WIDTH,
                    "  @MuInput SequentialBlock input;",
                    "  @MuHidden SequentialBlock hidden;",
                    "  @MuOutput LayerNorm readout;");
            RecordingProcessor processor = new RecordingProcessor();

            Compilation compilation = Compiler.javac()
                    .withProcessors(processor)
                    .withOptions("-encoding", "UTF-8")
                    .withClasspath(withoutRuntime)
                    .compile(source);

            assertThat(compilation).failed();
            assertEquals(List.of(), processor.createdSourceFiles());
            assertThat(compilation).hadErrorCount(3);
            assertThat(compilation)
                    .hadErrorContaining("@MuInput needs an ai.djl.nn.core.Linear, ai.djl.nn.core.Embedding,"
                            + " ai.djl.nn.norm.LayerNorm, ai.djl.nn.convolutional.Conv1d,"
                            + " ai.djl.nn.convolutional.Conv2d, ai.djl.nn.convolutional.Conv3d or"
                            + " ai.djl.nn.norm.BatchNorm (or a subclass of Embedding, LayerNorm or BatchNorm);"
                            + " declare")
                    .inFile(source).onLineContaining("SequentialBlock input;");
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden needs an ai.djl.nn.core.Linear, ai.djl.nn.convolutional.Conv1d,"
                            + " ai.djl.nn.convolutional.Conv2d or ai.djl.nn.convolutional.Conv3d; declare")
                    .inFile(source).onLineContaining("SequentialBlock hidden;");
            assertThat(compilation)
                    .hadErrorContaining("@MuOutput needs an ai.djl.nn.core.Linear; declare")
                    .inFile(source).onLineContaining("LayerNorm readout;");
        }

        @Test
        void attentionAndTiedReadoutAreSupportedInTheirRoles() {
            JavaFileObject source = block(
                    "Blocks",
                    WIDTH,
                    "  @MuInput Embedding<String> embedding;",
                    "  @MuHidden " + ATTENTION + " attention;",
                    "  @MuOutput " + TIED_READOUT + " tied;");

            Compilation compilation = compile(source);

            assertThat(compilation).succeededWithoutWarnings();
            assertThat(compilation).generatedSourceFile("test.BlocksMuP").contentsAsUtf8String()
                    .contains("    this.attention = mu.hidden(\"attention\", this.attention, \"width\", \"width\","
                            + " this.children);\n"
                            + "    this.tied = mu.output(\"tied\", this.tied, \"width\", 1.0, false, this.children);\n");
        }

        @Test
        void outputLayerNorm() {
            JavaFileObject source = block("NormReadout", WIDTH, "  @MuOutput LayerNorm readout;");

            Compilation compilation = failing(source, "test.NormReadoutMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("which μP does not support: @MuOutput needs an ai.djl.nn.core.Linear or"
                            + " dev.mup.runtime.MuTiedReadout; declare the field with a supported layer or block"
                            + " type")
                    .inFile(source).onLineContaining("LayerNorm readout;");
        }

        @ParameterizedTest
        @ValueSource(strings = {"@MuInput", "@MuHidden", "@MuOutput"})
        void linearDeclaredAsSubclass(String role) {
            // The generated constructor assigns the μP Linear installed in the layer's place to
            // the field, for every role.
            JavaFileObject source = block(
                    "SubclassLayer",
                    WIDTH,
                    "  " + role + " WideLinear layer;",
                    role.equals("@MuOutput") ? "" : READOUT,
                    WIDE_LINEAR);

            Compilation compilation = failing(source, "test.SubclassLayerMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining(role + " field 'layer' must be declared as ai.djl.nn.core.Linear,"
                            + " not test.SubclassLayer.WideLinear")
                    .inFile(source).onLineContaining("WideLinear layer;");
            assertThat(compilation).hadErrorContaining("declare it as Linear");
        }

        @Test
        void embeddingAndLayerNormSubclassesAndRawTypesAreSupported() {
            JavaFileObject source = block(
                    "Subclasses",
                    WIDTH,
                    "  @MuInput ai.djl.modality.nlp.embedding.TrainableWordEmbedding words;",
                    "  @SuppressWarnings(\"rawtypes\") @MuInput Embedding raw;",
                    "  @MuInput Norm norm;",
                    READOUT,
                    "  static class Norm extends LayerNorm { Norm() { super(LayerNorm.builder()); } }");

            Compilation compilation = compile(source);

            assertThat(compilation).succeededWithoutWarnings();
            assertThat(compilation).generatedSourceFile("test.SubclassesMuP");
        }
    }

    /** Rule 6: the generated subclass reads role fields of each instance. */
    @Nested
    class RoleFieldAccess {

        @Test
        void privateRoleField() {
            JavaFileObject source = block("PrivateLayer", WIDTH, "  @MuHidden private Linear hidden;", READOUT);

            Compilation compilation = failing(source, "test.PrivateLayerMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden field 'hidden' must not be private: the generated subclass"
                            + " PrivateLayerMuP reads it")
                    .inFile(source).onLineContaining("private Linear hidden;");
        }

        @Test
        void staticRoleField() {
            JavaFileObject source = block("StaticLayer", WIDTH, "  @MuHidden static Linear hidden;", READOUT);

            Compilation compilation = failing(source, "test.StaticLayerMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("@MuHidden field 'hidden' must not be static")
                    .inFile(source).onLineContaining("static Linear hidden;");
        }
    }

    /**
     * Rule 7: every Linear, MuAttention and MuTiedReadout role field is reassigned; Embedding and
     * LayerNorm fields are not.
     */
    @Nested
    class FinalFields {

        @ParameterizedTest
        @ValueSource(strings = {"@MuInput", "@MuHidden", "@MuOutput"})
        void finalLinear(String role) {
            JavaFileObject source = block(
                    "FinalLayer",
                    WIDTH,
                    "  " + role + " final Linear layer = Linear.builder().setUnits(1).build();",
                    role.equals("@MuOutput") ? "" : READOUT);

            Compilation compilation = failing(source, "test.FinalLayerMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining(role + " field 'layer' must not be final: the generated constructor"
                            + " installs a μP Linear in place of the layer and assigns it to the field;"
                            + " remove final")
                    .inFile(source).onLineContaining("final Linear layer");
        }

        @Test
        void finalAttention() {
            JavaFileObject source = block(
                    "FinalAttention",
                    WIDTH,
                    "  @MuHidden final " + ATTENTION + " attention = null;",
                    READOUT);

            Compilation compilation = failing(source, "test.FinalAttentionMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden field 'attention' must not be final: the generated constructor"
                            + " assigns to the field the μP block that MuModelBuilder returns for it (the same"
                            + " MuAttention, with its projections and logit scale parametrized); remove final")
                    .inFile(source).onLineContaining("final dev.mup.runtime.MuAttention attention");
        }

        @Test
        void finalTiedReadout() {
            JavaFileObject source = block(
                    "FinalTied", WIDTH, "  @MuOutput final " + TIED_READOUT + " tied = null;");

            Compilation compilation = failing(source, "test.FinalTiedMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuOutput field 'tied' must not be final: the generated constructor"
                            + " assigns to the field the μP block that MuModelBuilder returns for it (the same"
                            + " MuTiedReadout, with its logit multiplier set); remove final")
                    .inFile(source).onLineContaining("final dev.mup.runtime.MuTiedReadout tied");
        }

        @Test
        void finalEmbeddingAndLayerNormInputsAreFine() {
            JavaFileObject source = block(
                    "FinalInputs",
                    WIDTH,
                    "  @MuInput final Embedding<String> embedding = null;",
                    "  @MuInput final dev.mup.runtime.MuLayerNorm norm = dev.mup.runtime.MuLayerNorm.builder().build();",
                    READOUT);

            Compilation compilation = compile(source);

            assertThat(compilation).succeededWithoutWarnings();
            assertThat(compilation).generatedSourceFile("test.FinalInputsMuP").contentsAsUtf8String()
                    .contains("    mu.input(\"embedding\", this.embedding, \"width\");\n"
                            + "    mu.input(\"norm\", this.norm, \"width\");\n");
        }
    }

    /** Rule 8: the readout's multiplier and zero init must make sense. */
    @Nested
    class Readouts {

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1.5", "Double.NaN", "Double.POSITIVE_INFINITY"})
        void multiplierNotPositiveAndFinite(String multiplier) {
            JavaFileObject source = block(
                    "BadMultiplier", WIDTH, "  @MuOutput(multiplier = " + multiplier + ") Linear readout;");

            Compilation compilation = failing(source, "test.BadMultiplierMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("on 'readout' must be positive and finite")
                    .inFile(source).onLineContaining("Linear readout;");
        }

        @Test
        void tiedReadoutWithZeroInit() {
            JavaFileObject source = block(
                    "ZeroTied",
                    WIDTH,
                    "  @MuInput Embedding<String> embedding;",
                    "  @MuOutput(zeroInit = true) " + TIED_READOUT + " tied;");

            Compilation compilation = failing(source, "test.ZeroTiedMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuOutput(zeroInit = true) on 'tied' would zero the input embedding: a"
                            + " dev.mup.runtime.MuTiedReadout has no weight of its own but reuses the embedding's"
                            + " table, so initializing the readout to zero would zero the shared embedding too;"
                            + " remove zeroInit")
                    .inFile(source).onLineContaining("MuTiedReadout tied;");
        }

        @Test
        void tiedReadoutWithZeroInitFalseIsFine() {
            JavaFileObject source = block(
                    "UnzeroedTied",
                    WIDTH,
                    "  @MuInput Embedding<String> embedding;",
                    "  @MuOutput(zeroInit = false, multiplier = 0.25) " + TIED_READOUT + " tied;");

            Compilation compilation = compile(source);

            assertThat(compilation).succeededWithoutWarnings();
            assertThat(compilation).generatedSourceFile("test.UnzeroedTiedMuP").contentsAsUtf8String()
                    .contains("this.tied = mu.output(\"tied\", this.tied, \"width\", 0.25, false, this.children);");
        }

        @Test
        void zeroInitLinearReadoutIsFine() {
            JavaFileObject source = block("ZeroLinear", WIDTH, "  @MuOutput(zeroInit = true) Linear readout;");

            assertThat(compile(source)).succeededWithoutWarnings();
        }
    }

    /** Rule 9: μP needs a readout. */
    @Test
    void noReadout() {
        JavaFileObject source = block("NoReadout", WIDTH, INPUT, HIDDEN);

        Compilation compilation = failing(source, "test.NoReadoutMuP");

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("NoReadout has no @MuOutput field")
                .inFile(source).onLineContaining("public class NoReadout");
    }

    @Test
    void severalReadoutsAreAllowed() {
        // Several heads on purpose: @SuppressWarnings("mup") silences the second-readout warning.
        Compilation compilation = compile(
                block("TwoHeads", WIDTH, INPUT, READOUT, "  @SuppressWarnings(\"mup\") @MuOutput Linear aux;"));

        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.TwoHeadsMuP").contentsAsUtf8String()
                .contains("this.aux = mu.output(\"aux\", this.aux, \"width\", 1.0, false, this.children);");
    }

    /** Rule 10: the generated class must be able to extend the model. */
    @Nested
    class Subclassing {

        @Test
        void innerClass() {
            JavaFileObject source = source(
                    "Outer",
                    false,
                    "public class Outer {",
                    "  public class Inner extends AbstractBlock {",
                    "  " + WIDTH,
                    "  " + READOUT,
                    "    @Override",
                    "    protected NDList forwardInternal(",
                    "        ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {",
                    "      return in;",
                    "    }",
                    "    @Override",
                    "    public Shape[] getOutputShapes(Shape[] inputShapes) {",
                    "      return inputShapes;",
                    "    }",
                    "  }");

            Compilation compilation = failing(source, "test.Outer_InnerMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("Inner is an inner (non-static) class")
                    .inFile(source).onLineContaining("public class Inner");
        }

        @Test
        void abstractClass() {
            JavaFileObject source = source(
                    "Abstract", false, "public abstract class Abstract extends AbstractBlock {", WIDTH, READOUT);

            Compilation compilation = failing(source, "test.AbstractMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("Abstract is abstract")
                    .inFile(source).onLineContaining("public abstract class Abstract");
        }

        @Test
        void finalClass() {
            JavaFileObject source = source(
                    "Final", true, "public final class Final extends AbstractBlock {", WIDTH, READOUT);

            Compilation compilation = failing(source, "test.FinalMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("Final is final, but the generated FinalMuP must extend it")
                    .inFile(source).onLineContaining("public final class Final");
        }

        @Test
        void privateClass() {
            JavaFileObject source = source(
                    "Holder",
                    false,
                    "public class Holder {",
                    "  private abstract static class Hidden extends AbstractBlock {",
                    "  " + WIDTH,
                    "  " + READOUT,
                    "  }");

            Compilation compilation = failing(source, "test.Holder_HiddenMuP");

            assertThat(compilation).hadErrorContaining("Hidden is private")
                    .inFile(source).onLineContaining("private abstract static class Hidden");
            assertThat(compilation).hadErrorContaining("Hidden is abstract")
                    .inFile(source).onLineContaining("private abstract static class Hidden");
        }

        @Test
        void genericClass() {
            JavaFileObject source = source(
                    "Generic", true, "public class Generic<T, U> extends AbstractBlock {", WIDTH, READOUT);

            Compilation compilation = failing(source, "test.GenericMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("Generic has type parameters <T, U>")
                    .inFile(source).onLineContaining("public class Generic<T, U>");
        }

        @Test
        void notAnAbstractBlock() {
            JavaFileObject source = source("Plain", false, "public class Plain {", WIDTH, READOUT);

            Compilation compilation = failing(source, "test.PlainMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("Plain does not extend ai.djl.nn.AbstractBlock")
                    .inFile(source).onLineContaining("public class Plain");
        }

        @Test
        void noNonPrivateConstructor() {
            JavaFileObject source = block("Singleton", WIDTH, READOUT, "  private Singleton() {}");

            Compilation compilation = failing(source, "test.SingletonMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("Singleton has no non-private constructor")
                    .inFile(source).onLineContaining("public class Singleton");
        }

        @Test
        void recordIsNotAModel() {
            JavaFileObject source = source(
                    "Rec", false, "public record Rec(@Width(base = 8) int width, @MuOutput Linear readout) {");

            Compilation compilation = failing(source, "test.RecMuP");

            assertThat(compilation).hadErrorContaining("Rec is a record, but a μP model must be a class")
                    .inFile(source).onLineContaining("public record Rec");
        }

        @Test
        void fieldHidingChildren() {
            JavaFileObject source = block("Hiding", WIDTH, READOUT, "  java.util.List<String> children;");

            Compilation compilation = failing(source, "test.HidingMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("hides ai.djl.nn.AbstractBlock.children")
                    .inFile(source).onLineContaining("List<String> children;");
        }

        @Test
        void existingMuParametrizationMethod() {
            JavaFileObject source = block(
                    "Clash", WIDTH, READOUT, "  public Object muParametrization() { return null; }");

            Compilation compilation = failing(source, "test.ClashMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("Clash already has a method muParametrization()")
                    .inFile(source).onLineContaining("public class Clash");
        }

        @Test
        void finalSaveParametersCannotCarryTheParametrization() {
            JavaFileObject source = block("Sealed", WIDTH, READOUT,
                    "  @Override public final void saveParameters(java.io.DataOutputStream os)"
                            + " throws java.io.IOException { super.saveParameters(os); }");

            Compilation compilation = failing(source, "test.SealedMuP");

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation).hadErrorContaining("Sealed.saveParameters is final, but the generated SealedMuP"
                    + " overrides it so that a checkpoint carries the μP parametrization: remove final")
                    .inFile(source).onLineContaining("public class Sealed");
        }
    }

    /** Rule 11: a Linear without a role in a μP model is most likely a forgotten annotation. */
    @Nested
    class ForgottenRoles {

        @Test
        void linearWithoutRoleWarns() {
            JavaFileObject source = block("Forgot", WIDTH, INPUT, "  Linear extra;", READOUT);

            Compilation compilation = compile(source);

            assertThat(compilation).succeeded();
            assertThat(compilation).hadWarningCount(1);
            assertThat(compilation)
                    .hadWarningContaining("Linear field 'extra' of Forgot has no μP role (likely forgotten role)")
                    .inFile(source).onLineContaining("Linear extra;");
            assertThat(compilation).generatedSourceFile("test.ForgotMuP");
        }

        @Test
        void suppressedWithSuppressWarningsMup() {
            JavaFileObject source = block(
                    "Deliberate", WIDTH, INPUT, "  @SuppressWarnings(\"mup\") Linear finiteHead;", READOUT);

            assertThat(compile(source)).succeededWithoutWarnings();
        }

        @Test
        void attentionAndTiedReadoutWithoutRoleWarn() {
            JavaFileObject source = block(
                    "ForgotBlocks",
                    WIDTH,
                    "  @MuInput Embedding<String> embedding;",
                    "  " + ATTENTION + " attention;",
                    "  " + TIED_READOUT + " tied;",
                    READOUT);

            Compilation compilation = compile(source);

            assertThat(compilation).succeeded();
            assertThat(compilation).hadWarningCount(2);
            assertThat(compilation)
                    .hadWarningContaining("MuAttention field 'attention' of ForgotBlocks has no μP role (likely"
                            + " forgotten role): annotate it with @MuHidden")
                    .inFile(source).onLineContaining("MuAttention attention;");
            assertThat(compilation)
                    .hadWarningContaining("MuTiedReadout field 'tied' of ForgotBlocks has no μP role (likely"
                            + " forgotten role): annotate it with @MuOutput")
                    .inFile(source).onLineContaining("MuTiedReadout tied;");
        }

        @Test
        void layersWithoutRoleInABlockWarn() {
            JavaFileObject source = muBlock(
                    "ForgetfulBlock",
                    "  @MuInput(width = \"width\") dev.mup.runtime.MuLayerNorm norm;",
                    "  Linear up;",
                    "  " + ATTENTION + " attention;",
                    "  " + TIED_READOUT + " tied;");

            Compilation compilation = compile(source);

            assertThat(compilation).succeeded();
            assertThat(compilation).hadWarningCount(3);
            assertThat(compilation)
                    .hadWarningContaining("Linear field 'up' of ForgetfulBlock has no μP role (likely forgotten"
                            + " role): annotate it with @MuInput or @MuHidden (the readout belongs to the model")
                    .inFile(source).onLineContaining("Linear up;");
            assertThat(compilation)
                    .hadWarningContaining("MuAttention field 'attention' of ForgetfulBlock has no μP role")
                    .inFile(source).onLineContaining("MuAttention attention;");
            assertThat(compilation)
                    .hadWarningContaining("MuTiedReadout field 'tied' of ForgetfulBlock has no μP role (likely"
                            + " forgotten role): a @MuBlock cannot hold the readout, which belongs to the model")
                    .inFile(source).onLineContaining("MuTiedReadout tied;");
            assertThat(compilation).generatedSourceFile("test.ForgetfulBlockMuP");
        }

        @Test
        void blockWarningsSuppressedOnTheClass() {
            JavaFileObject source = source(
                    "QuietBlock",
                    true,
                    "@MuBlock @SuppressWarnings(\"mup\") public class QuietBlock extends AbstractBlock {",
                    "  Linear up;",
                    "  " + ATTENTION + " attention;");

            assertThat(compile(source)).succeededWithoutWarnings();
        }
    }

    /** Rule 12: @MuBlock classes, and the models holding them. */
    @Nested
    class SubBlocks {

        private static final String MLP_UP = "  @MuHidden(fanIn = \"dModel\", fanOut = \"dFfn\") Linear up;";
        private static final String MLP_DOWN = "  @MuHidden(fanIn = \"dFfn\", fanOut = \"dModel\") Linear down;";

        /** A block naming the widths dModel and dFfn. */
        private JavaFileObject mlp() {
            return muBlock("Mlp", MLP_UP, MLP_DOWN);
        }

        /**
         * Compiles sources that must fail; exactly the {@code generated} classes (those of the
         * valid blocks) are generated.
         */
        private Compilation failingWith(List<String> generated, List<File> classpath, JavaFileObject... sources) {
            RecordingProcessor processor = new RecordingProcessor();
            Compiler javac = Compiler.javac().withProcessors(processor).withOptions("-encoding", "UTF-8");
            Compilation compilation = (classpath == null ? javac : javac.withClasspath(classpath)).compile(sources);
            assertThat(compilation).failed();
            assertEquals(generated, processor.createdSourceFiles(), "generated only for the valid classes");
            return compilation;
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "public interface Part {|an interface",
            "public record Part(int x) {|a record",
            "public enum Part { A;|an enum",
            "public @interface Part {|an annotation type"
        })
        void notAClass(String declaration, String kind) {
            JavaFileObject source = source("Part", false, "@MuBlock " + declaration);

            Compilation compilation = failingWith(List.of(), null, source);

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("Part is " + kind + ", but @MuBlock marks a block class: a class extending"
                            + " ai.djl.nn.AbstractBlock")
                    .inFile(source).onLineContaining(declaration);
        }

        @Test
        void notAnAbstractBlock() {
            JavaFileObject source = source("Part", false, "@MuBlock public class Part {", "  @MuInput LayerNorm norm;");

            Compilation compilation = failingWith(List.of(), null, source);

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("Part does not extend ai.djl.nn.AbstractBlock, but the generated PartMuP"
                            + " installs μP layers among the block's children")
                    .inFile(source).onLineContaining("public class Part");
        }

        @Test
        void privateInnerAndGenericBlockClasses() {
            List<String> body = List.of(
                    "    @MuInput(width = \"dModel\") LayerNorm norm;",
                    "    @Override",
                    "    protected NDList forwardInternal(",
                    "        ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {",
                    "      return in;",
                    "    }",
                    "    @Override",
                    "    public Shape[] getOutputShapes(Shape[] inputShapes) {",
                    "      return inputShapes;",
                    "    }",
                    "  }");
            List<String> members = new ArrayList<>();
            members.add("  @MuBlock private static class Hidden extends AbstractBlock {");
            members.addAll(body);
            members.add("  @MuBlock class Inner extends AbstractBlock {");
            members.addAll(body);
            members.add("  @MuBlock static class Generic<T> extends AbstractBlock {");
            members.addAll(body);
            JavaFileObject source = source("Parts", false, "public class Parts {", members.toArray(new String[0]));

            Compilation compilation = failingWith(List.of(), null, source);

            assertThat(compilation).hadErrorCount(3);
            assertThat(compilation)
                    .hadErrorContaining("Hidden is private, so the generated Parts_HiddenMuP in the same package"
                            + " cannot read its fields")
                    .inFile(source).onLineContaining("class Hidden");
            assertThat(compilation)
                    .hadErrorContaining("Inner is an inner (non-static) class: make it a static nested class")
                    .inFile(source).onLineContaining("class Inner");
            assertThat(compilation)
                    .hadErrorContaining("Generic has type parameters <T>; the μP processor does not generate"
                            + " declarations for generic blocks")
                    .inFile(source).onLineContaining("class Generic");
        }

        @Test
        void widthAndReadoutDoNotBelongInABlock() {
            JavaFileObject source = muBlock(
                    "Part",
                    "  @Width(base = 64) int dModel;",
                    "  @MuInput(width = \"dModel\") LayerNorm norm;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failingWith(List.of(), null, source);

            assertThat(compilation).hadErrorCount(2);
            assertThat(compilation)
                    .hadErrorContaining("'dModel' of the @MuBlock class Part has @Width, but a block has no widths"
                            + " of its own: its layers scale with the widths of the models using it. Remove @Width")
                    .inFile(source).onLineContaining("int dModel;");
            assertThat(compilation)
                    .hadErrorContaining("'readout' of the @MuBlock class Part has @MuOutput, but the readout belongs"
                            + " to the model, not to a block: move the readout field to the model")
                    .inFile(source).onLineContaining("Linear readout;");
        }

        @Test
        void blockRolesNameTheirWidths() {
            JavaFileObject source = muBlock("Part", "  @MuInput LayerNorm norm;", "  @MuHidden(fanIn = \"dModel\") Linear up;");

            Compilation compilation = failingWith(List.of(), null, source);

            assertThat(compilation).hadErrorCount(2);
            assertThat(compilation)
                    .hadErrorContaining("@MuInput(width) of 'norm' is empty, but in the @MuBlock class Part every role"
                            + " names its widths: they are the widths of the models using the block; set width to")
                    .inFile(source).onLineContaining("LayerNorm norm;");
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden(fanOut) of 'up' is empty, but in the @MuBlock class Part")
                    .inFile(source).onLineContaining("Linear up;");
        }

        @Test
        void roleFieldsFollowTheRulesOfModels() {
            JavaFileObject source = muBlock(
                    "Part",
                    "  @MuInput(width = \"dModel\") private LayerNorm norm;",
                    "  @MuHidden(fanIn = \"dModel\", fanOut = \"dModel\") final Linear up = Linear.builder().setUnits(1).build();",
                    "  @MuHidden(fanIn = \"dModel\", fanOut = \"dModel\") Embedding<String> table;",
                    "  @MuInput(width = \"dModel\") @MuHidden(fanIn = \"dModel\", fanOut = \"dModel\") Linear both;",
                    WIDE_LINEAR,
                    "  @MuHidden(fanIn = \"dModel\", fanOut = \"dModel\") WideLinear wide;");

            Compilation compilation = failingWith(List.of(), null, source);

            assertThat(compilation).hadErrorCount(5);
            assertThat(compilation)
                    .hadErrorContaining("@MuInput field 'norm' must not be private: the generated PartMuP reads it")
                    .inFile(source).onLineContaining("private LayerNorm norm;");
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden field 'up' must not be final: the generated code installs a μP"
                            + " Linear in place of the layer")
                    .inFile(source).onLineContaining("final Linear up");
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden field 'table' has type ai.djl.nn.core.Embedding<java.lang.String>,"
                            + " which μP does not support")
                    .inFile(source).onLineContaining("Embedding<String> table;");
            assertThat(compilation)
                    .hadErrorContaining("'both' has @MuInput and @MuHidden, but a layer has exactly one μP role")
                    .inFile(source).onLineContaining("Linear both;");
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden field 'wide' must be declared as ai.djl.nn.core.Linear, not"
                            + " test.Part.WideLinear: the generated code installs")
                    .inFile(source).onLineContaining("WideLinear wide;");
        }

        @Test
        void attentionMapsTheModelDimensionToItself() {
            JavaFileObject block = muBlock(
                    "Part", "  @MuHidden(fanIn = \"dModel\", fanOut = \"dFfn\") " + ATTENTION + " attention;");
            JavaFileObject model = block(
                    "Model",
                    "  @Width(base = 64) int dModel;",
                    "  @Width(base = 256) int dFfn;",
                    "  @MuHidden(fanIn = \"dFfn\", fanOut = \"dModel\") " + ATTENTION + " attention;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failingWith(List.of(), null, block, model);

            assertThat(compilation).hadErrorCount(2);
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden(fanIn = \"dModel\", fanOut = \"dFfn\") on the MuAttention field"
                            + " 'attention' names two widths, but attention maps the model dimension to itself: use"
                            + " the same width for fanIn and fanOut")
                    .inFile(block).onLineContaining("MuAttention attention;");
            assertThat(compilation)
                    .hadErrorContaining("attention maps the model dimension to itself: use the same width for fanIn"
                            + " and fanOut")
                    .inFile(model).onLineContaining("MuAttention attention;");
        }

        @Test
        void theModelMustDeclareEveryWidthItsBlocksName() {
            JavaFileObject model = block(
                    "Narrow",
                    "  @Width(base = 64) int dModel;",
                    "  List<Mlp> blocks;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failingWith(List.of("test.MlpMuP"), null, mlp(), model);

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("'blocks' holds Mlp, whose layers name width 'dFfn' (@MuHidden(fanOut) of"
                            + " 'up', @MuHidden(fanIn) of 'down'), but Narrow has no @Width field 'dFfn'; known"
                            + " widths: dModel. Declare @Width(base = ...) int dFfn in Narrow, or name one of its"
                            + " widths in Mlp")
                    .inFile(model).onLineContaining("List<Mlp> blocks;");
        }

        @Test
        void widthsOfNestedBlocksAreCheckedToo() {
            JavaFileObject layer = muBlock(
                    "Layer", "  @MuInput(width = \"dModel\") LayerNorm norm;", "  Mlp[] experts;");
            JavaFileObject model = block(
                    "Narrow",
                    "  @Width(base = 64) int dModel;",
                    "  Layer layer;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failingWith(List.of("test.MlpMuP", "test.LayerMuP"), null, mlp(), layer, model);

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("'layer' holds Layer, whose layers name width 'dFfn' (@MuHidden(fanOut) of"
                            + " 'experts.<i>.up', @MuHidden(fanIn) of 'experts.<i>.down'), but Narrow has no @Width"
                            + " field 'dFfn'")
                    .inFile(model).onLineContaining("Layer layer;");
        }

        @Test
        void blockFieldsMustBeReadableInstanceFieldsWithElementTypes() {
            JavaFileObject model = block(
                    "Closed",
                    "  @Width(base = 64) int dModel;",
                    "  @Width(base = 256) int dFfn;",
                    "  private List<Mlp> blocks;",
                    "  static Mlp shared;",
                    "  @SuppressWarnings(\"rawtypes\") List untyped;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failingWith(List.of("test.MlpMuP"), null, mlp(), model);

            assertThat(compilation).hadErrorCount(3);
            assertThat(compilation)
                    .hadErrorContaining("Block field 'blocks' (java.util.List<test.Mlp>) must not be private: the"
                            + " generated subclass ClosedMuP reads it")
                    .inFile(model).onLineContaining("private List<Mlp> blocks;");
            assertThat(compilation)
                    .hadErrorContaining("Block field 'shared' (test.Mlp) must not be static: μP parametrizes each"
                            + " model instance with its own blocks")
                    .inFile(model).onLineContaining("static Mlp shared;");
            assertThat(compilation)
                    .hadErrorContaining("'untyped' of Closed is a raw java.util.List, whose elements the μP processor"
                            + " cannot see: if it holds @MuBlock blocks, declare it as List<TheBlock>")
                    .inFile(model).onLineContaining("List untyped;");
        }

        @Test
        void aModelHoldingAnInvalidBlockIsNotGenerated() {
            JavaFileObject block = muBlock("Broken", "  @MuInput(width = \"dModel\") private LayerNorm norm;");
            JavaFileObject model = block(
                    "Holder",
                    "  @Width(base = 64) int dModel;",
                    "  Broken[] blocks;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failingWith(List.of(), null, model, block);

            assertThat(compilation).hadErrorCount(2);
            assertThat(compilation).hadErrorContaining("must not be private")
                    .inFile(block).onLineContaining("private LayerNorm norm;");
            assertThat(compilation)
                    .hadErrorContaining("'blocks' holds Broken, a @MuBlock class with errors (reported on Broken):"
                            + " fix them, and HolderMuP is generated")
                    .inFile(model).onLineContaining("Broken[] blocks;");
        }

        @Test
        void aBlockCompiledWithoutTheProcessorHasNoGeneratedClass(@TempDir Path library) {
            List<File> classpath = compileLibrary(library, false, mlp());
            JavaFileObject model = block(
                    "Holder",
                    "  @Width(base = 64) int dModel;",
                    "  @Width(base = 256) int dFfn;",
                    "  Mlp block;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failingWith(List.of(), classpath, model);

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("'block' holds test.Mlp, a @MuBlock class compiled without the μP processor:"
                            + " test.MlpMuP, which HolderMuP calls, is not on the classpath")
                    .inFile(model).onLineContaining("Mlp block;");
        }

        @Test
        void widthsOfABlockFromTheClasspathAreChecked(@TempDir Path library) {
            List<File> classpath = compileLibrary(library, true, mlp());
            JavaFileObject model = block(
                    "Narrow",
                    "  @Width(base = 64) int dModel;",
                    "  List<Mlp> blocks;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = failingWith(List.of(), classpath, model);

            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("'blocks' holds Mlp, whose layers name width 'dFfn'")
                    .inFile(model).onLineContaining("List<Mlp> blocks;");
        }
    }

    @Test
    void unresolvedTypesAreReportedInsteadOfGenerated() {
        JavaFileObject source = block(
                "Unresolved", WIDTH, READOUT, "  public Unresolved(MissingConfig config) {}");

        Compilation compilation = failing(source, "test.UnresolvedMuP");

        assertThat(compilation)
                .hadErrorContaining("UnresolvedMuP was not generated because these types of Unresolved could"
                        + " not be resolved: MissingConfig")
                .inFile(source).onLineContaining("public class Unresolved");
    }
}
