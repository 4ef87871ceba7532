package dev.mup.processor;

import java.util.List;
import java.util.Objects;

/**
 * Everything the generator needs to know about one valid {@code @MuBlock} class; produced by
 * {@link BlockValidator} only when the block has no errors.
 *
 * @param block the block class; its generated class is {@code <Block>MuP} in the same package
 * @param isPublic whether the block is public; the generated class then is too, so that models
 *     in other packages can call it
 * @param declarations the role fields and nested block fields, in declaration order
 */
record BlockDescription(ClassReference block, boolean isPublic, List<Declaration> declarations) {

    BlockDescription {
        Objects.requireNonNull(block, "block");
        declarations = List.copyOf(declarations);
    }
}
