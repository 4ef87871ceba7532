package dev.mup.tests.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.mup.tests.processor.ProcessorTestSupport.block;
import static dev.mup.tests.processor.ProcessorTestSupport.compile;
import static dev.mup.tests.processor.ProcessorTestSupport.generatedText;
import static dev.mup.tests.processor.ProcessorTestSupport.muBlock;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Depth} and {@code MuResidual} in the processor: the generated model declares its depth
 * before its blocks, the generated block declares its residual connection, and misplaced
 * annotations are errors on the offending field.
 */
class DepthAnnotationTest {

    private static final String RESIDUAL =
            "  final dev.mup.runtime.MuResidual residual = new dev.mup.runtime.MuResidual();";
    private static final String NORM = "  @MuInput(width = \"dModel\") dev.mup.runtime.MuLayerNorm norm;";
    private static final String WIDTH = "  @Width(base = 64) int dModel;";
    private static final String READOUT = "  @MuOutput(width = \"dModel\") Linear readout;";

    private static JavaFileObject part() {
        return muBlock("Part", NORM, RESIDUAL);
    }

    @Test
    void depthAndResidualAreDeclared() {
        JavaFileObject model = block("Deep", WIDTH,
                "  @dev.mup.annotations.Depth(base = 2) List<Part> blocks;",
                READOUT);

        Compilation compilation = compile(model, part());

        assertThat(compilation).succeededWithoutWarnings();
        String deep = generatedText(compilation, "test.DeepMuP");
        String depth = "mu.depth(\"blocks\", this.blocks.size(), 2);";
        String loop = "for (int i = 0; i < this.blocks.size(); i++)";
        assertTrue(deep.contains(depth) && deep.indexOf(depth) < deep.indexOf(loop),
                "the depth is declared before the blocks:\n" + deep);
        assertTrue(deep.contains("the model's depth, base 2"), "the javadoc names the depth:\n" + deep);
        String partMuP = generatedText(compilation, "test.PartMuP");
        assertTrue(partMuP.contains("mu.residual(path + \"residual\", block.residual);"), partMuP);
    }

    @Test
    void arraysOfBlocksCarryTheDepthToo() {
        JavaFileObject model = block("Deep", WIDTH, "  @dev.mup.annotations.Depth(base = 4) Part[] blocks;", READOUT);

        Compilation compilation = compile(model, part());

        assertThat(compilation).succeededWithoutWarnings();
        assertTrue(generatedText(compilation, "test.DeepMuP").contains("mu.depth(\"blocks\", this.blocks.length, 4);"));
    }

    @Test
    void misplacedDepthsAreErrorsOnTheirFields() {
        JavaFileObject model = block("Deep", WIDTH,
                "  @dev.mup.annotations.Depth(base = 2) Part single;",
                "  @dev.mup.annotations.Depth(base = 2) int layers;",
                "  @dev.mup.annotations.Depth(base = 0) List<Part> zero;",
                "  @dev.mup.annotations.Depth(base = 2) List<Part> first;",
                "  @dev.mup.annotations.Depth(base = 2) List<Part> second;",
                READOUT);

        Compilation compilation = compile(model, part());

        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(4);
        assertThat(compilation)
                .hadErrorContaining("@Depth on 'single': the depth of a model is the number of its repeated residual"
                        + " blocks, so @Depth goes on a List or array of a @MuBlock class")
                .inFile(model).onLineContaining("Part single;");
        assertThat(compilation)
                .hadErrorContaining("@Depth on 'layers'")
                .inFile(model).onLineContaining("int layers;");
        assertThat(compilation)
                .hadErrorContaining("@Depth(base = 0) on 'zero': the base depth is the number of blocks at which"
                        + " hyperparameters are tuned and must be positive")
                .inFile(model).onLineContaining("List<Part> zero;");
        assertThat(compilation)
                .hadErrorContaining("@Depth on 'second', but 'first' already declares the depth of Deep: a model has"
                        + " one depth")
                .inFile(model).onLineContaining("List<Part> second;");
    }

    @Test
    void blocksHaveNoDepthAndTheirResidualsAreReadable() {
        JavaFileObject source = muBlock("Part", NORM,
                "  @dev.mup.annotations.Depth(base = 2) List<Part> inner;",
                "  private final dev.mup.runtime.MuResidual residual = new dev.mup.runtime.MuResidual();");

        Compilation compilation = compile(source);

        assertThat(compilation).failed();
        assertThat(compilation)
                .hadErrorContaining("'inner' of the @MuBlock class Part has @Depth, but a block has no depth of its"
                        + " own: put @Depth on the model's list (or array) of blocks")
                .inFile(source).onLineContaining("List<Part> inner;");
        assertThat(compilation)
                .hadErrorContaining("MuResidual field 'residual' must not be private: the generated PartMuP reads it")
                .inFile(source).onLineContaining("MuResidual residual");
    }
}
