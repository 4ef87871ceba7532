/**
 * The μP annotation processor. {@link dev.mup.processor.MuProcessor} finds the classes whose
 * fields carry the {@code dev.mup.annotations} annotations, {@link
 * dev.mup.processor.ModelValidator} checks each one and describes it as a {@link
 * dev.mup.processor.ModelDescription} (reporting every error on the offending element), and
 * {@link dev.mup.processor.MuModelGenerator} writes its {@code <Model>MuP} subclass with JavaPoet.
 * Validation and generation are separate, and the generator is a pure function of the
 * description.
 */
package dev.mup.processor;
