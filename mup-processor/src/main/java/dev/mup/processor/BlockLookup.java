package dev.mup.processor;

import javax.lang.model.element.TypeElement;

/**
 * Tells a validator whether the {@code @MuBlock} class of a block field can be used: the
 * generated code of a model (or of an enclosing block) calls the block's generated class, which
 * exists only for a valid block. The processor answers from what it has validated, in this round
 * or earlier ones, and from the classpath for blocks compiled before.
 */
@FunctionalInterface
interface BlockLookup {

    /** What the processor knows of a block class. */
    enum Status {
        /**
         * Valid: its {@code <Block>MuP} is generated in this compilation, or is on the classpath
         * next to a block compiled before.
         */
        READY,
        /** Its errors were reported on it; its {@code <Block>MuP} is not generated. */
        INVALID,
        /** Waiting for types that are not generated yet; validated in a later round. */
        PENDING,
        /** Compiled before, but without the μP processor: there is no {@code <Block>MuP}. */
        NOT_GENERATED
    }

    /**
     * The status of a block class.
     *
     * @param block a class annotated {@code @MuBlock}
     * @return its status
     */
    Status statusOf(TypeElement block);
}
