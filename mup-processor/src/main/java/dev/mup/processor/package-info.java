/**
 * The μP annotation processor. {@link dev.mup.processor.MuProcessor} finds the classes whose
 * fields carry the {@code dev.mup.annotations} annotations, and the {@code @MuBlock} classes;
 * {@link dev.mup.processor.ModelValidator} and {@link dev.mup.processor.BlockValidator} check each
 * one (with the field checks they share in {@link dev.mup.processor.FieldChecks}) and describe it
 * as a {@link dev.mup.processor.ModelDescription} or {@link dev.mup.processor.BlockDescription},
 * reporting every error on the offending element; {@link dev.mup.processor.MuModelGenerator}
 * writes a model's {@code <Model>MuP} subclass and {@link dev.mup.processor.MuBlockGenerator} a
 * block's {@code <Block>MuP}, with JavaPoet. Validation and generation are separate, and the
 * generators are pure functions of the descriptions.
 */
package dev.mup.processor;
