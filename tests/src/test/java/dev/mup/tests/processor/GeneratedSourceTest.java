package dev.mup.tests.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.mup.tests.processor.ProcessorTestSupport.GPT_BLOCK_MUP;
import static dev.mup.tests.processor.ProcessorTestSupport.GPT_MUP;
import static dev.mup.tests.processor.ProcessorTestSupport.MLP_MUP;
import static dev.mup.tests.processor.ProcessorTestSupport.TRANSFORMER_MUP;
import static dev.mup.tests.processor.ProcessorTestSupport.TWO_WIDTH_MUP;
import static dev.mup.tests.processor.ProcessorTestSupport.assertMatchesGolden;
import static dev.mup.tests.processor.ProcessorTestSupport.assertSourceEquivalentToGolden;
import static dev.mup.tests.processor.ProcessorTestSupport.block;
import static dev.mup.tests.processor.ProcessorTestSupport.compile;
import static dev.mup.tests.processor.ProcessorTestSupport.compileLibrary;
import static dev.mup.tests.processor.ProcessorTestSupport.generatedText;
import static dev.mup.tests.processor.ProcessorTestSupport.gptSources;
import static dev.mup.tests.processor.ProcessorTestSupport.mlpSource;
import static dev.mup.tests.processor.ProcessorTestSupport.muBlock;
import static dev.mup.tests.processor.ProcessorTestSupport.source;
import static dev.mup.tests.processor.ProcessorTestSupport.transformerSource;
import static dev.mup.tests.processor.ProcessorTestSupport.twoWidthSource;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.mup.processor.MuProcessor;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the processor generates for valid models. */
class GeneratedSourceTest {

    @Test
    void mlpGeneratesTheGoldenMlpMuP() {
        Compilation compilation = compile(mlpSource());

        assertThat(compilation).succeededWithoutWarnings();
        // Exact text first (javadoc and formatting included), then the same as Java syntax trees.
        assertMatchesGolden("MlpMuP.java", generatedText(compilation, MLP_MUP));
        assertSourceEquivalentToGolden(compilation, MLP_MUP, "MlpMuP.java");
    }

    @Test
    void generationIsDeterministic() {
        assertEquals(generatedText(compile(mlpSource()), MLP_MUP), generatedText(compile(mlpSource()), MLP_MUP));
        assertEquals(
                generatedText(compile(twoWidthSource()), TWO_WIDTH_MUP),
                generatedText(compile(twoWidthSource()), TWO_WIDTH_MUP));
        assertEquals(
                generatedText(compile(transformerSource()), TRANSFORMER_MUP),
                generatedText(compile(transformerSource()), TRANSFORMER_MUP));
        assertEquals(generatedText(compile(gptSources()), GPT_MUP), generatedText(compile(gptSources()), GPT_MUP));
        assertEquals(
                generatedText(compile(gptSources()), GPT_BLOCK_MUP),
                generatedText(compile(gptSources()), GPT_BLOCK_MUP));
    }

    @Test
    void twoWidthModelGeneratesTheGoldenSubclass() {
        Compilation compilation = compile(twoWidthSource());

        assertThat(compilation).succeededWithoutWarnings();
        String text = generatedText(compilation, TWO_WIDTH_MUP);
        assertMatchesGolden("TwoWidthModelMuP.java", text);
        assertSourceEquivalentToGolden(compilation, TWO_WIDTH_MUP, "TwoWidthModelMuP.java");

        // Widths and layers in declaration order, each layer with its resolved widths. Every
        // Linear field gets back the μP Linear installed in its place among the children; the
        // Embedding and the LayerNorm keep theirs.
        assertContainsInOrder(
                text,
                "mu.width(\"dModel\", this.dModel, 32);",
                "mu.width(\"dFfn\", this.dFfn, 128);",
                "\n    mu.input(\"embedding\", this.embedding, \"dModel\");",
                "\n    mu.input(\"norm\", this.norm, \"dModel\");",
                "this.up = mu.hidden(\"up\", this.up, \"dModel\", \"dFfn\", this.children);",
                "this.down = mu.hidden(\"down\", this.down, \"dFfn\", \"dModel\", this.children);",
                "this.readout = mu.output(\"readout\", this.readout, \"dModel\", 0.5, true, this.children);",
                "this.muParametrization = mu.build(this);");
        // The model's parameter named `options` pushes the generated one to `muOptions`...
        assertContains(text, "public TwoWidthModelMuP("
                + "int dModel, int dFfn, List<String> vocabulary, Map<String, ?> options) {");
        assertContains(text, "this(MuOptions.defaults(), dModel, dFfn, vocabulary, options);");
        assertContains(text, "public TwoWidthModelMuP("
                + "MuOptions muOptions, int dModel, int dFfn, List<String> vocabulary,");
        assertContains(text, "MuModelBuilder mu = MuModelBuilder.forModel(TwoWidthModel.class, muOptions);");
        // ... and the one named `mu` pushes the builder to `muBuilder`; varargs, access and throws
        // are mirrored.
        assertContains(text, "protected TwoWidthModelMuP("
                + "float mu, int dModel, int dFfn, String... tokens) throws IOException {");
        assertContains(text, "this(MuOptions.defaults(), mu, dModel, dFfn, tokens);");
        assertContains(text, "protected TwoWidthModelMuP("
                + "MuOptions options, float mu, int dModel, int dFfn, String... tokens)");
        assertContains(text, "MuModelBuilder muBuilder = MuModelBuilder.forModel(TwoWidthModel.class, options);");
        assertContains(text, "this.up = muBuilder.hidden(\"up\", this.up, \"dModel\", \"dFfn\", this.children);");
    }

    @Test
    void transformerBlockModelGeneratesTheGoldenSubclass() {
        // Compiling the generated class also checks that MuModelBuilder has the overloads it
        // calls: hidden(String, MuAttention, ...) and output(String, MuTiedReadout, ...).
        Compilation compilation = compile(transformerSource());

        assertThat(compilation).succeededWithoutWarnings();
        String text = generatedText(compilation, TRANSFORMER_MUP);
        assertMatchesGolden("TransformerBlockModelMuP.java", text);
        assertSourceEquivalentToGolden(compilation, TRANSFORMER_MUP, "TransformerBlockModelMuP.java");

        // The attention block and the tied readout are declared like a hidden Linear and a Linear
        // readout: children passed, the builder's result assigned back to the field. The
        // embedding and the layer norms keep their place.
        assertContainsInOrder(
                text,
                "mu.width(\"dModel\", this.dModel, 64);",
                "mu.width(\"dFfn\", this.dFfn, 256);",
                "\n    mu.input(\"embedding\", this.embedding, \"dModel\");",
                "\n    mu.input(\"attentionNorm\", this.attentionNorm, \"dModel\");",
                "this.attention = mu.hidden(\"attention\", this.attention, \"dModel\", \"dModel\", this.children);",
                "\n    mu.input(\"ffnNorm\", this.ffnNorm, \"dModel\");",
                "this.up = mu.hidden(\"up\", this.up, \"dModel\", \"dFfn\", this.children);",
                "this.down = mu.hidden(\"down\", this.down, \"dFfn\", \"dModel\", this.children);",
                "\n    mu.input(\"finalNorm\", this.finalNorm, \"dModel\");",
                "this.readout = mu.output(\"readout\", this.readout, \"dModel\", 1.0, false, this.children);",
                "this.muParametrization = mu.build(this);");
        assertContains(text, "<li>{@code attention}: hidden; fan_in scales with {@code dModel}, fan_out with"
                + " {@code dModel}; multi-head attention");
        assertContains(text, "<li>{@code readout}: readout (output-like); fan_in scales with {@code dModel};"
                + " output multiplier 1.0; tied to the input embedding");
    }

    @Test
    void gptWithAListOfBlocksGeneratesTheGoldenModelAndBlock() {
        Compilation compilation = compile(gptSources());

        assertThat(compilation).succeededWithoutWarnings();
        String model = generatedText(compilation, GPT_MUP);
        String block = generatedText(compilation, GPT_BLOCK_MUP);
        // Both, even when the first differs (or is being rewritten with -Dmup.golden.update).
        assertAll(
                () -> assertMatchesGolden("GptMuP.java", model),
                () -> assertMatchesGolden("GptBlockMuP.java", block));
        assertSourceEquivalentToGolden(compilation, GPT_MUP, "GptMuP.java");
        assertSourceEquivalentToGolden(compilation, GPT_BLOCK_MUP, "GptBlockMuP.java");

        // The list of blocks needs no annotation: it is declared in its place among the fields,
        // block by block, each under "blocks.<i>.".
        assertContainsInOrder(
                model,
                "mu.width(\"dModel\", this.dModel, 64);",
                "mu.width(\"dFfn\", this.dFfn, 256);",
                "\n    mu.input(\"embedding\", this.embedding, \"dModel\");",
                "\n    for (int i = 0; i < this.blocks.size(); i++) {",
                "\n      GptBlockMuP.declare(mu, \"blocks.\" + i + \".\", this.blocks.get(i));",
                "\n    }",
                "\n    mu.input(\"finalNorm\", this.finalNorm, \"dModel\");",
                "this.readout = mu.output(\"readout\", this.readout, \"dModel\", 1.0, false, this.children);",
                "this.muParametrization = mu.build(this);");
        assertContains(model, "<li>{@code blocks}: a list of {@link GptBlock} blocks, each declared by"
                + " {@link GptBlockMuP} with the names {@code blocks.<i>.<layer>}");

        // The block's own statements: the model's, on `block` under `path`, with the block's
        // children.
        assertContains(block, "public final class GptBlockMuP {");
        assertContains(block, "private GptBlockMuP() {");
        assertContainsInOrder(
                block,
                "public static void declare(MuModelBuilder mu, String path, GptBlock block) {",
                "BlockList children = mu.childrenOf(path, block);",
                "mu.input(path + \"attentionNorm\", block.attentionNorm, \"dModel\");",
                "block.attention = mu.hidden(path + \"attention\", block.attention, \"dModel\", \"dModel\", children);",
                "mu.input(path + \"ffnNorm\", block.ffnNorm, \"dModel\");",
                "block.up = mu.hidden(path + \"up\", block.up, \"dModel\", \"dFfn\", children);",
                "block.down = mu.hidden(path + \"down\", block.down, \"dFfn\", \"dModel\", children);");
        assertContains(block, "<li>{@code up}: hidden; fan_in scales with {@code dModel}, fan_out with {@code dFfn}");
    }

    @Test
    void singleBlocksArraysListsAndNestedBlocks() {
        JavaFileObject mlp = muBlock(
                "Mlp",
                "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;",
                "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear down;");
        JavaFileObject layer = muBlock(
                "Layer",
                "  @MuInput(width = \"width\") dev.mup.runtime.MuLayerNorm norm;",
                "  Mlp mlp;",
                "  Mlp[] experts;",
                "  java.util.ArrayList<? extends Mlp> extra;");
        JavaFileObject model = block(
                "Deep",
                "  @Width(base = 16) int width;",
                "  Layer first;",
                "  Layer[] layers;",
                "  @MuOutput Linear readout;");

        Compilation compilation = compile(mlp, layer, model);

        assertThat(compilation).succeededWithoutWarnings();
        String deep = generatedText(compilation, "test.DeepMuP");
        assertContainsInOrder(
                deep,
                "\n    LayerMuP.declare(mu, \"first.\", this.first);",
                "\n    for (int i = 0; i < this.layers.length; i++) {",
                "\n      LayerMuP.declare(mu, \"layers.\" + i + \".\", this.layers[i]);",
                "this.readout = mu.output(\"readout\", this.readout, \"width\", 1.0, false, this.children);");
        assertContains(deep, "<li>{@code first}: a {@link Layer} block, declared by {@link LayerMuP} with the"
                + " names {@code first.<layer>}");
        assertContains(deep, "<li>{@code layers}: an array of {@link Layer} blocks");
        String layerText = generatedText(compilation, "test.LayerMuP");
        assertContainsInOrder(
                layerText,
                "mu.input(path + \"norm\", block.norm, \"width\");",
                "\n    MlpMuP.declare(mu, path + \"mlp.\", block.mlp);",
                "\n    for (int i = 0; i < block.experts.length; i++) {",
                "\n      MlpMuP.declare(mu, path + \"experts.\" + i + \".\", block.experts[i]);",
                "\n    for (int i = 0; i < block.extra.size(); i++) {",
                "\n      MlpMuP.declare(mu, path + \"extra.\" + i + \".\", block.extra.get(i));");
        assertContains(generatedText(compilation, "test.MlpMuP"),
                "block.up = mu.hidden(path + \"up\", block.up, \"width\", \"width\", children);");
    }

    @Test
    void blockLoopsAvoidTheConstructorParameterNames() {
        JavaFileObject mlp = muBlock("Mlp", "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;");
        JavaFileObject model = block(
                "Indexed",
                "  @Width(base = 16) int width;",
                "  List<Mlp> blocks;",
                "  @MuOutput Linear readout;",
                "",
                "  Indexed(int i) {",
                "    width = i;",
                "  }");

        Compilation compilation = compile(mlp, model);

        assertThat(compilation).succeededWithoutWarnings();
        assertContains(generatedText(compilation, "test.IndexedMuP"),
                "for (int index = 0; index < this.blocks.size(); index++) {");
    }

    @Test
    void nestedPackagePrivateBlockGeneratesOuterInnerMuP() {
        JavaFileObject parts = source(
                "Parts",
                false,
                "public class Parts {",
                "  @MuBlock static class Mlp extends AbstractBlock {",
                "    @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;",
                "",
                "    @Override",
                "    protected NDList forwardInternal(",
                "        ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {",
                "      return in;",
                "    }",
                "",
                "    @Override",
                "    public Shape[] getOutputShapes(Shape[] inputShapes) {",
                "      return inputShapes;",
                "    }",
                "  }");
        JavaFileObject model = block(
                "UsesParts", "  @Width(base = 16) int width;", "  Parts.Mlp mlp;", "  @MuOutput Linear readout;");

        Compilation compilation = compile(parts, model);

        assertThat(compilation).succeededWithoutWarnings();
        String block = generatedText(compilation, "test.Parts_MlpMuP");
        assertContains(block, "\nfinal class Parts_MlpMuP {");
        assertContains(block, "comments = \"μP declarations of the @MuBlock test.Parts.Mlp\"");
        assertContains(block, "public static void declare(MuModelBuilder mu, String path, Parts.Mlp block) {");
        assertContains(generatedText(compilation, "test.UsesPartsMuP"),
                "Parts_MlpMuP.declare(mu, \"mlp.\", this.mlp);");
    }

    @Test
    void blocksCompiledBeforeAreReadFromTheClasspath(@TempDir Path library) {
        // The block and its generated class come from class files, with their CLASS-retention
        // annotations read through the element API.
        List<File> classpath = compileLibrary(library, true, muBlock(
                "Mlp",
                "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;"));
        JavaFileObject model = block(
                "UsesLibrary", "  @Width(base = 16) int width;", "  List<Mlp> blocks;", "  @MuOutput Linear readout;");

        Compilation compilation = ProcessorTestSupport.javacWithProcessor().withClasspath(classpath).compile(model);

        assertThat(compilation).succeededWithoutWarnings();
        assertEquals(1, compilation.generatedSourceFiles().size(), "only the model is generated");
        assertContains(generatedText(compilation, "test.UsesLibraryMuP"),
                "MlpMuP.declare(mu, \"blocks.\" + i + \".\", this.blocks.get(i));");
    }

    @Test
    void attentionAndTiedReadoutInAMinimalModel() {
        // One width, so the roles name none; a readout multiplier other than 1.
        JavaFileObject source = block(
                "Tiny",
                "  @Width(base = 32) int width;",
                "  @MuInput Embedding<String> embedding;",
                "  @MuHidden dev.mup.runtime.MuAttention attention;",
                "  @MuOutput(multiplier = 2.0) dev.mup.runtime.MuTiedReadout tied;");

        Compilation compilation = compile(source);

        assertThat(compilation).succeededWithoutWarnings();
        String text = generatedText(compilation, "test.TinyMuP");
        assertContainsInOrder(
                text,
                "\n    mu.input(\"embedding\", this.embedding, \"width\");",
                "this.attention = mu.hidden(\"attention\", this.attention, \"width\", \"width\", this.children);",
                "this.tied = mu.output(\"tied\", this.tied, \"width\", 2.0, false, this.children);");
    }

    @Test
    void staticNestedModelGeneratesTopLevelOuterInnerMuP() {
        JavaFileObject source = source(
                "Outer",
                false,
                "public class Outer {",
                "  public static class Inner extends AbstractBlock {",
                "    @Width(base = 16) final int width;",
                "    @MuInput Linear input;",
                "    @MuOutput Linear readout;",
                "",
                "    public Inner(int width) {",
                "      this.width = width;",
                "      input = addChildBlock(\"input\", Linear.builder().setUnits(width).build());",
                "      readout = addChildBlock(\"readout\", Linear.builder().setUnits(2).build());",
                "    }",
                "",
                "    @Override",
                "    protected NDList forwardInternal(",
                "        ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {",
                "      return in;",
                "    }",
                "",
                "    @Override",
                "    public Shape[] getOutputShapes(Shape[] inputShapes) {",
                "      return inputShapes;",
                "    }",
                "  }");

        Compilation compilation = compile(source);

        assertThat(compilation).succeededWithoutWarnings();
        String text = generatedText(compilation, "test.Outer_InnerMuP");
        assertContains(text, "public class Outer_InnerMuP extends Outer.Inner implements MuModel {");
        assertContains(text, "comments = \"μP subclass of test.Outer.Inner\"");
        assertContains(text, "MuModelBuilder mu = MuModelBuilder.forModel(Outer.Inner.class, options);");
        assertContains(text, "this.input = mu.input(\"input\", this.input, \"width\", this.children);");
    }

    @Test
    void constructorsKeepTheirAccessTypeParametersAndGenerics() {
        JavaFileObject source = source(
                "Shapes",
                true,
                "class Shapes extends AbstractBlock {",
                "  @Width(base = 8) int width;",
                "  @MuInput Embedding<String> embedding;",
                "  @MuInput dev.mup.runtime.MuLayerNorm norm;",
                "  @MuOutput Linear readout;",
                "",
                "  <N extends Number> Shapes(N width, java.util.List<? extends CharSequence> tokens) {",
                "    this.width = width.intValue();",
                "    readout = addChildBlock(\"readout\", Linear.builder().setUnits(tokens.size()).build());",
                "  }",
                "",
                "  private Shapes() {",
                "    this(8, java.util.List.of());",
                "  }");

        Compilation compilation = compile(source);

        assertThat(compilation).succeededWithoutWarnings();
        String text = generatedText(compilation, "test.ShapesMuP");
        // A package-private model gives a package-private class; the private constructor is not
        // mirrored.
        assertContains(text, "\nclass ShapesMuP extends Shapes implements MuModel {");
        assertContains(text, "<N extends Number> ShapesMuP(N width, List<? extends CharSequence> tokens) {");
        assertContains(text, "<N extends Number> ShapesMuP(MuOptions options, N width,");
        assertContains(text, "{@link Shapes#Shapes(Number, List)}");
        assertEquals(2, count(text, "ShapesMuP("), "two constructors per non-private model constructor");
        // Embedding and LayerNorm stay in place: a plain statement, no assignment.
        assertContains(text, "\n    mu.input(\"embedding\", this.embedding, \"width\");");
        assertContains(text, "\n    mu.input(\"norm\", this.norm, \"width\");");
    }

    @Test
    void modelsWhoseTypesAreGeneratedLaterAreGeneratedInALaterRound() {
        // The model's constructor takes test.Config, which another processor generates in the
        // first round: the μP processor must wait for it instead of giving up.
        JavaFileObject source = block(
                "LateModel",
                "  @Width(base = 8) final int width;",
                "  @MuOutput Linear readout;",
                "",
                "  public LateModel(Config config) {",
                "    this.width = config.width();",
                "    readout = addChildBlock(\"readout\", Linear.builder().setUnits(2).build());",
                "  }");

        Compilation compilation = Compiler.javac()
                .withProcessors(new MuProcessor(), new ConfigGenerator())
                .withOptions("-encoding", "UTF-8")
                .compile(source);

        assertThat(compilation).succeeded();
        assertContains(generatedText(compilation, "test.LateModelMuP"), "public LateModelMuP(Config config) {");
    }

    @Test
    void blocksWhoseTypesAreGeneratedLaterPutOffTheirModels() {
        // The block's constructor takes test.Config, generated in the first round: the block
        // waits for it, and so does the model holding the block.
        JavaFileObject block = muBlock(
                "LateBlock",
                "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;",
                "",
                "  public LateBlock(Config config) {",
                "    up = addChildBlock(\"up\", Linear.builder().setUnits(config.width()).build());",
                "  }");
        JavaFileObject model = block(
                "LateHolder",
                "  @Width(base = 8) final int width = 8;",
                "  List<LateBlock> blocks;",
                "  @MuOutput Linear readout;");

        Compilation compilation = Compiler.javac()
                .withProcessors(new MuProcessor(), new ConfigGenerator())
                .withOptions("-encoding", "UTF-8")
                .compile(model, block);

        assertThat(compilation).succeeded();
        assertContains(generatedText(compilation, "test.LateBlockMuP"),
                "block.up = mu.hidden(path + \"up\", block.up, \"width\", \"width\", children);");
        assertContains(generatedText(compilation, "test.LateHolderMuP"),
                "LateBlockMuP.declare(mu, \"blocks.\" + i + \".\", this.blocks.get(i));");
    }

    @Test
    void aBlockMayHoldBlocksOfItsOwnClass() {
        JavaFileObject tree = muBlock(
                "Tree",
                "  @MuHidden(fanIn = \"width\", fanOut = \"width\") Linear up;",
                "  List<Tree> subtrees;");
        JavaFileObject model = block(
                "Forest", "  @Width(base = 8) int width;", "  Tree root;", "  @MuOutput Linear readout;");

        Compilation compilation = compile(tree, model);

        assertThat(compilation).succeededWithoutWarnings();
        assertContains(generatedText(compilation, "test.TreeMuP"),
                "TreeMuP.declare(mu, path + \"subtrees.\" + i + \".\", block.subtrees.get(i));");
    }

    /** Generates {@code test.Config} in the first round, as a stand-in for another processor. */
    @SupportedAnnotationTypes("*")
    static final class ConfigGenerator extends AbstractProcessor {
        private boolean done;

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
            if (!done) {
                done = true;
                try (Writer w = processingEnv.getFiler().createSourceFile("test.Config").openWriter()) {
                    w.write("package test;\npublic record Config(int width) {}\n");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
            return false;
        }
    }

    static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), () -> "expected the generated source to contain\n  " + expected
                + "\nbut it is:\n" + text);
    }

    static void assertContainsInOrder(String text, String... expected) {
        int from = 0;
        for (String e : expected) {
            int at = text.indexOf(e, from);
            assertTrue(at >= 0, () -> "expected, after the previous expected line, the line\n  " + e
                    + "\nin the generated source:\n" + text);
            from = at + e.length();
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }
}
