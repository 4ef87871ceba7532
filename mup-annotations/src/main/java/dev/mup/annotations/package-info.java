/**
 * Annotations that say what each field of a DJL model is under μP (the Maximal Update
 * Parametrization): {@link dev.mup.annotations.Width} declares a width dimension,
 * {@link dev.mup.annotations.MuInput}, {@link dev.mup.annotations.MuHidden} and
 * {@link dev.mup.annotations.MuOutput} give each layer its role, and {@link
 * dev.mup.annotations.MuBlock} marks a reusable block class (a transformer block) whose layers
 * are annotated once for all its copies in a model. The {@code mup-processor} annotation processor
 * reads them at compile time and generates a {@code <Model>MuP} subclass for each model and a
 * {@code <Block>MuP} for each block; the annotations are not retained at run time.
 */
package dev.mup.annotations;
