package dev.mup.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a reusable <em>block</em> class, such as a transformer block, whose layers are annotated
 * once in the block class rather than once per copy in the model.
 *
 * <p>The fields of a {@code @MuBlock} class carry {@link MuInput} and {@link MuHidden} role
 * annotations exactly as a model's fields do, but the widths they name are the {@link Width}
 * fields of the <em>enclosing model</em>: a block declares no width of its own, and names every
 * width explicitly ({@code @MuHidden(fanIn = "dModel", fanOut = "dFfn")}), since it does not know
 * how many widths its models have. Every model that uses the block must declare each width its
 * layers name. A block holds no {@link MuOutput} either: the readout belongs to the model.
 *
 * <p>A model field whose declared type is a {@code @MuBlock} class {@code B}, an array {@code
 * B[]} or a {@code java.util.List<B>} needs no annotation: the model's generated code declares it
 * automatically, element by element in index order, together with the model's other fields in
 * declaration order. Each layer of a block is named by its place in the model, e.g. {@code
 * blocks.0.up} for the field {@code up} of the first element of the list {@code blocks}, and the
 * {@code Linear} layers of the block are replaced among the block's own children. Blocks nest: a
 * field of a {@code @MuBlock} class whose type is (an array or list of) another {@code @MuBlock}
 * class is declared the same way, under {@code blocks.0.mlp.} and so on.
 *
 * <pre>{@code
 * @MuBlock
 * public class GptBlock extends AbstractBlock {
 *     @MuInput(width = "dModel") LayerNorm norm;
 *     @MuHidden(fanIn = "dModel", fanOut = "dModel") MuAttention attention;
 *     @MuHidden(fanIn = "dModel", fanOut = "dFfn") Linear up;
 *     @MuHidden(fanIn = "dFfn", fanOut = "dModel") Linear down;
 *     ...
 * }
 *
 * public class Gpt extends AbstractBlock {
 *     @Width(base = 64) final int dModel;
 *     @Width(base = 256) final int dFfn;
 *     final List<GptBlock> blocks;   // declared by GptMuP, no annotation needed
 *     @MuOutput(width = "dModel") Linear readout;
 *     ...
 * }
 * }</pre>
 *
 * <p>The block class must be a non-generic top-level or static nested class extending {@code
 * ai.djl.nn.AbstractBlock}, not private. For it the processor generates {@code <Block>MuP} with a
 * static {@code declare} method, which the generated code of the models calls; a block compiled
 * separately must have been compiled with the μP processor too.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface MuBlock {}
