package dev.mup.tests.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.mup.tests.processor.ProcessorTestSupport.block;
import static dev.mup.tests.processor.ProcessorTestSupport.compile;
import static dev.mup.tests.processor.ProcessorTestSupport.muBlock;
import static dev.mup.tests.processor.ProcessorTestSupport.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.mup.processor.MuProcessor;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, items 1 and 9 at compile time: layers that would escape μP are warned about, {@code
 * @MuUnscaled} keeps a layer out of μP on purpose, and the small things that mislead (two
 * readouts, a misspelled width, DJL's all-axes LayerNorm, unclaimed annotations) are reported.
 */
class ProcessorGuardsTest {

    private static final String WIDTH = "  @Width(base = 64) int width;";
    private static final String INPUT = "  @MuInput Linear input;";
    private static final String READOUT = "  @MuOutput Linear readout;";

    /** A custom DJL block with a parameter, nested in the model. */
    private static final String CUSTOM_BLOCK = String.join(
            "\n",
            "  static class Gate extends AbstractBlock {",
            "    Gate() { addParameter(ai.djl.nn.Parameter.builder().setName(\"g\")",
            "        .setType(ai.djl.nn.Parameter.Type.WEIGHT).build()); }",
            "    @Override protected NDList forwardInternal(",
            "        ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {",
            "      return in;",
            "    }",
            "    @Override public Shape[] getOutputShapes(Shape[] in) { return in; }",
            "  }");

    private static List<String> warnings(Compilation compilation) {
        return compilation.warnings().stream()
                .map(d -> d.getMessage(null))
                .collect(Collectors.toList());
    }

    /** Item 1: every field holding a DJL block with parameters needs a role, a @MuBlock or @MuUnscaled. */
    @Nested
    class LayersThatEscape {

        @Test
        void aSequentialBlockBodyWarnsAndSaysHowToFixIt() {
            JavaFileObject source = block(
                    "Body", WIDTH, INPUT, "  SequentialBlock body;", READOUT);

            Compilation compilation = compile(source);

            assertThat(compilation).succeeded();
            assertThat(compilation).hadWarningCount(1);
            assertThat(compilation)
                    .hadWarningContaining("SequentialBlock field 'body' of Body has no μP role and is not a"
                            + " @MuBlock, so its parameters would stay in the standard parametrization")
                    .inFile(source).onLineContaining("SequentialBlock body;");
            assertThat(compilation)
                    .hadWarningContaining("Put the (repeated) layers in a @MuBlock class whose fields carry the"
                            + " roles (a List of that class needs no annotation), or annotate the field with"
                            + " @MuUnscaled to keep it unscaled on purpose");
        }

        @Test
        void everyKindOfBlockWithParametersWarnsAndParameterFreeBlocksDoNot() {
            JavaFileObject source = block(
                    "Many",
                    WIDTH,
                    INPUT,
                    "  ai.djl.nn.ParallelBlock branches;",
                    "  Gate gate;",
                    "  Embedding<String> positions;",
                    "  LayerNorm norm;",
                    "  ai.djl.nn.convolutional.Conv2d conv;",
                    "  ai.djl.nn.norm.BatchNorm batchNorm;",
                    "  List<Linear> heads;",
                    "  Linear[] experts;",
                    "  ai.djl.nn.Block anything;",
                    "  ai.djl.nn.LambdaBlock relu;",
                    "  ai.djl.nn.norm.Dropout dropout;",
                    "  List<ai.djl.nn.LambdaBlock> activations;",
                    READOUT,
                    CUSTOM_BLOCK);

            Compilation compilation = compile(source);

            assertThat(compilation).succeeded();
            assertThat(compilation).hadWarningCount(9);
            assertThat(compilation)
                    .hadWarningContaining("ParallelBlock field 'branches' of Many has no μP role")
                    .inFile(source).onLineContaining("ParallelBlock branches;");
            assertThat(compilation)
                    .hadWarningContaining("Gate field 'gate' of Many has no μP role and is not a @MuBlock")
                    .inFile(source).onLineContaining("Gate gate;");
            assertThat(compilation)
                    .hadWarningContaining("annotate the class Gate with @MuBlock and its layers with roles")
                    .inFile(source).onLineContaining("Gate gate;");
            assertThat(compilation)
                    .hadWarningContaining("Embedding field 'positions' of Many has no μP role")
                    .inFile(source).onLineContaining("positions;");
            assertThat(compilation)
                    .hadWarningContaining("annotate it with @MuInput if its output size grows with the width, or"
                            + " annotate the field with @MuUnscaled")
                    .inFile(source).onLineContaining("LayerNorm norm;");
            assertThat(compilation)
                    .hadWarningContaining("μP has no role for a Conv2d")
                    .inFile(source).onLineContaining("Conv2d conv;");
            assertThat(compilation)
                    .hadWarningContaining("μP has no role for a BatchNorm")
                    .inFile(source).onLineContaining("BatchNorm batchNorm;");
            assertThat(compilation)
                    .hadWarningContaining("field 'heads' of Many holds Linear blocks with no μP role")
                    .inFile(source).onLineContaining("List<Linear> heads;");
            assertThat(compilation)
                    .hadWarningContaining("field 'experts' of Many holds Linear blocks with no μP role")
                    .inFile(source).onLineContaining("Linear[] experts;");
            assertThat(compilation)
                    .hadWarningContaining("declare it as ai.djl.nn.LambdaBlock")
                    .inFile(source).onLineContaining("Block anything;");
            assertThat(compilation).generatedSourceFile("test.ManyMuP");
        }

        @Test
        void blocksWithoutRoleInAMuBlockWarn() {
            JavaFileObject source = muBlock(
                    "Layer",
                    "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;",
                    "  SequentialBlock inner;",
                    "  ai.djl.nn.LambdaBlock gelu;");

            Compilation compilation = compile(source);

            assertThat(compilation).succeeded();
            assertThat(compilation).hadWarningCount(1);
            assertThat(compilation)
                    .hadWarningContaining("SequentialBlock field 'inner' of Layer has no μP role")
                    .inFile(source).onLineContaining("SequentialBlock inner;");
        }

        @Test
        void suppressWarningsMupStillSilencesThem() {
            JavaFileObject source = block(
                    "Quiet",
                    WIDTH,
                    INPUT,
                    "  @SuppressWarnings(\"mup\") SequentialBlock body;",
                    "  @SuppressWarnings(\"mup\") Embedding<String> positions;",
                    READOUT);

            assertThat(compile(source)).succeededWithoutWarnings();
        }

        @Test
        void aFiniteLinearIsToldToUseMuUnscaled() {
            JavaFileObject source = block("Finite", WIDTH, INPUT, "  Linear head;", READOUT);

            Compilation compilation = compile(source);

            assertThat(compilation)
                    .hadWarningContaining("Linear field 'head' of Finite has no μP role (likely forgotten role):"
                            + " annotate it with @MuInput, @MuHidden or @MuOutput, or, if none of its sizes"
                            + " grows with the width, annotate it with @MuUnscaled")
                    .inFile(source).onLineContaining("Linear head;");
        }
    }

    /** Item 1: @MuUnscaled declares a layer unscaled on purpose. */
    @Nested
    class Unscaled {

        @Test
        void unscaledFieldsAreDeclaredToTheBuilderWithoutWarnings() {
            JavaFileObject source = block(
                    "Kept",
                    WIDTH,
                    INPUT,
                    "  @dev.mup.annotations.MuUnscaled SequentialBlock body;",
                    "  @dev.mup.annotations.MuUnscaled Linear head;",
                    "  @dev.mup.annotations.MuUnscaled List<Linear> heads;",
                    "  @dev.mup.annotations.MuUnscaled Linear[] experts;",
                    READOUT);

            Compilation compilation = compile(source);

            assertThat(compilation).succeededWithoutWarnings();
            String text = ProcessorTestSupport.generatedText(compilation, "test.KeptMuP");
            assertTrue(text.contains("\n    mu.unscaled(\"body\", this.body);\n"
                    + "    mu.unscaled(\"head\", this.head);\n"
                    + "    mu.unscaled(\"heads\", this.heads);\n"
                    + "    mu.unscaled(\"experts\", this.experts);\n"), text);
            assertTrue(text.contains("<li>{@code body}: unscaled on purpose ({@code @MuUnscaled})"), text);
            assertTrue(text.contains("this.muParametrization = mu.build(this);"), text);
        }

        @Test
        void unscaledFieldsOfABlockAreDeclaredUnderTheBlocksPath() {
            JavaFileObject source = muBlock(
                    "Stem",
                    "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;",
                    "  @dev.mup.annotations.MuUnscaled SequentialBlock fixed;");

            Compilation compilation = compile(source);

            assertThat(compilation).succeededWithoutWarnings();
            String text = ProcessorTestSupport.generatedText(compilation, "test.StemMuP");
            assertTrue(text.contains("mu.unscaled(path + \"fixed\", block.fixed);"), text);
        }

        @Test
        void misusedMuUnscaledIsAnError() {
            JavaFileObject part = muBlock("Part", "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;");
            JavaFileObject source = block(
                    "Wrong",
                    WIDTH,
                    INPUT,
                    "  @dev.mup.annotations.MuUnscaled @MuHidden Linear both;",
                    "  @dev.mup.annotations.MuUnscaled int notABlock;",
                    "  @dev.mup.annotations.MuUnscaled Part part;",
                    "  @dev.mup.annotations.MuUnscaled private SequentialBlock hidden;",
                    READOUT);

            Compilation compilation = Compiler.javac()
                    .withProcessors(new MuProcessor())
                    .withOptions("-encoding", "UTF-8")
                    .compile(part, source);

            assertThat(compilation).failed();
            assertThat(compilation).hadErrorCount(4);
            assertThat(compilation)
                    .hadErrorContaining("'both' has @MuUnscaled and @MuHidden: @MuUnscaled keeps a layer out of"
                            + " μP on purpose, the other puts it in; remove one of them")
                    .inFile(source).onLineContaining("Linear both;");
            assertThat(compilation)
                    .hadErrorContaining("@MuUnscaled field 'notABlock' has type int, which holds no DJL block")
                    .inFile(source).onLineContaining("int notABlock;");
            assertThat(compilation)
                    .hadErrorContaining("'part' holds Part, a @MuBlock class whose layers have μP roles: remove"
                            + " @MuUnscaled")
                    .inFile(source).onLineContaining("Part part;");
            assertThat(compilation)
                    .hadErrorContaining("@MuUnscaled field 'hidden' must not be private")
                    .inFile(source).onLineContaining("SequentialBlock hidden;");
        }
    }

    /** Item 9: small things that mislead. */
    @Nested
    class SmallThings {

        @Test
        void aSecondReadoutWarns() {
            JavaFileObject source = block(
                    "TwoHeads", WIDTH, INPUT, READOUT, "  @MuOutput Linear aux;");

            Compilation compilation = compile(source);

            assertThat(compilation).succeeded();
            assertThat(compilation).hadWarningCount(1);
            assertThat(compilation)
                    .hadWarningContaining("'aux' is a second @MuOutput field of TwoHeads (the first is"
                            + " 'readout')")
                    .inFile(source).onLineContaining("Linear aux;");
            assertThat(compilation)
                    .hadWarningContaining("If TwoHeads has several output heads on purpose, add"
                            + " @SuppressWarnings(\"mup\")");
        }

        @Test
        void severalHeadsOnPurposeAreSilencedOnTheClass() {
            JavaFileObject source = source(
                    "Heads",
                    true,
                    "@SuppressWarnings(\"mup\") public class Heads extends AbstractBlock {",
                    WIDTH,
                    INPUT,
                    READOUT,
                    "  @MuOutput Linear aux;",
                    "  @MuOutput Linear aux2;");

            assertThat(compile(source)).succeededWithoutWarnings();
        }

        @Test
        void aMisspelledWidthSuggestsTheClosestOne() {
            JavaFileObject source = block(
                    "Typo",
                    "  @Width(base = 64) int dModel;",
                    "  @Width(base = 256) int dHidden;",
                    "  @MuInput(width = \"dModel\") Linear input;",
                    "  @MuHidden(fanIn = \"dModel\", fanOut = \"dHiden\") Linear up;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = Compiler.javac()
                    .withProcessors(new MuProcessor())
                    .withOptions("-encoding", "UTF-8")
                    .compile(source);

            assertThat(compilation).failed();
            assertThat(compilation).hadErrorCount(1);
            assertThat(compilation)
                    .hadErrorContaining("@MuHidden(fanOut = \"dHiden\") on 'up' names no @Width field of Typo;"
                            + " known widths: dModel, dHidden. Did you mean 'dHidden'? Set fanOut ="
                            + " \"dHidden\"")
                    .inFile(source).onLineContaining("Linear up;");
            String message = compilation.errors().get(0).getMessage(null);
            assertFalse(message.contains("annotate the field 'dHiden'"), message);
        }

        @Test
        void aNameFarFromEveryWidthGetsNoSuggestion() {
            JavaFileObject source = block(
                    "Far", WIDTH, "  @MuInput(width = \"embeddingSize\") Linear input;", READOUT);

            Compilation compilation = Compiler.javac()
                    .withProcessors(new MuProcessor())
                    .withOptions("-encoding", "UTF-8")
                    .compile(source);

            assertThat(compilation).failed();
            assertThat(compilation)
                    .hadErrorContaining("Set width to one of them, or annotate the field 'embeddingSize' with"
                            + " @Width");
            assertFalse(compilation.errors().get(0).getMessage(null).contains("Did you mean"));
        }

        @Test
        void aMisspelledWidthInABlockSuggestsTheModelsWidth() {
            JavaFileObject part = muBlock(
                    "Part", "  @MuHidden(fanIn = \"dmodel\", fanOut = \"dModel\") Linear up;");
            JavaFileObject model = block(
                    "Holder",
                    "  @Width(base = 64) int dModel;",
                    "  Part part;",
                    "  @MuOutput(width = \"dModel\") Linear readout;");

            Compilation compilation = Compiler.javac()
                    .withProcessors(new MuProcessor())
                    .withOptions("-encoding", "UTF-8")
                    .compile(part, model);

            assertThat(compilation).failed();
            assertThat(compilation)
                    .hadErrorContaining("but Holder has no @Width field 'dmodel'; known widths: dModel. Did you"
                            + " mean 'dModel'? Name 'dModel' in Part")
                    .inFile(model).onLineContaining("Part part;");
        }

        @Test
        void djlsLayerNormUnderMuInputWarnsAndPointsToMuLayerNorm() {
            JavaFileObject source = block(
                    "Norms",
                    WIDTH,
                    INPUT,
                    "  @MuInput LayerNorm plain;",
                    "  @MuInput dev.mup.runtime.MuLayerNorm last;",
                    "  @SuppressWarnings(\"mup\") @MuInput LayerNorm flat;",
                    READOUT);

            Compilation compilation = compile(source);

            assertThat(compilation).succeeded();
            assertThat(compilation).hadWarningCount(1);
            assertThat(compilation)
                    .hadWarningContaining("@MuInput field 'plain' is declared as DJL's LayerNorm, which (without"
                            + " an axis) normalizes over every axis but the first: on a (batch, sequence, d)"
                            + " input its gain and bias are [sequence, d]")
                    .inFile(source).onLineContaining("LayerNorm plain;");
            assertThat(compilation).hadWarningContaining("Declare it as dev.mup.runtime.MuLayerNorm");
        }

        @Test
        void theProcessorClaimsItsAnnotationsSoLintWithWerrorPasses() {
            JavaFileObject part = muBlock(
                    "Part", "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;");
            JavaFileObject model = block(
                    "Strict",
                    WIDTH,
                    INPUT,
                    "  Part part;",
                    "  @dev.mup.annotations.MuUnscaled Linear head;",
                    READOUT);

            Compilation compilation = Compiler.javac()
                    .withProcessors(new MuProcessor())
                    .withOptions("-encoding", "UTF-8", "-Xlint:all", "-Werror")
                    .compile(part, model);

            List<String> warnings = warnings(compilation);
            assertEquals(List.of(), warnings, "no warning under -Xlint:all");
            assertThat(compilation).succeeded();
            assertThat(compilation).generatedSourceFile("test.StrictMuP");
            assertEquals(
                    0,
                    compilation.diagnostics().stream()
                            .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                            .count());
        }
    }
}
