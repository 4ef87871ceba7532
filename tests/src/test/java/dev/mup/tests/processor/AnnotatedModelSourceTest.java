package dev.mup.tests.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.mup.examples.bench.AnnotatedModelSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The model the processor benchmark compiles ({@code ProcessorBench}): its 200 annotated fields
 * are valid μP, the processor generates its {@code <Model>MuP} declaring every one of them, and it
 * compiles without the processor too, so that the benchmark compares the same source both ways.
 */
class AnnotatedModelSourceTest {

    private static final Pattern DECLARATION = Pattern.compile("\\bmu\\.(width|input|hidden|output)\\(");

    @Test
    void twoHundredAnnotatedFieldsCompileWithTheProcessorIntoTheirMuPClass() {
        AnnotatedModelSource model = AnnotatedModelSource.of("bench.generated", "WideModel", 200);
        assertEquals(200, model.annotatedFields());
        JavaFileObject source = JavaFileObjects.forSourceString(model.qualifiedName(), model.text());

        Compilation with = ProcessorTestSupport.compile(source);
        assertThat(with).succeededWithoutWarnings();
        assertThat(with).generatedSourceFile(model.generatedName());
        String generated = ProcessorTestSupport.generatedText(with, model.generatedName());
        Matcher declarations = DECLARATION.matcher(generated);
        int count = 0;
        while (declarations.find()) {
            count++;
        }
        assertEquals(200, count, "one width or layer declaration per annotated field:\n" + generated);

        Compilation without = Compiler.javac().withOptions("-proc:none", "-encoding", "UTF-8").compile(source);
        assertThat(without).succeededWithoutWarnings();
        assertTrue(without.generatedSourceFiles().isEmpty(), "nothing generated with -proc:none");
    }

    @Test
    void tooFewFieldsForAModelAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> AnnotatedModelSource.of("p", "M", 2));
        AnnotatedModelSource smallest = AnnotatedModelSource.of("bench.generated", "Small", 3);
        Compilation compilation = ProcessorTestSupport.compile(
                JavaFileObjects.forSourceString(smallest.qualifiedName(), smallest.text()));
        assertThat(compilation).succeeded();
        assertThat(compilation).generatedSourceFile(smallest.generatedName());
    }
}
