/**
 * Annotations that say what each field of a DJL model is under μP (the Maximal Update
 * Parametrization): {@link dev.mup.annotations.Width} declares a width dimension, and
 * {@link dev.mup.annotations.MuInput}, {@link dev.mup.annotations.MuHidden} and
 * {@link dev.mup.annotations.MuOutput} give each layer its role. The {@code mup-processor}
 * annotation processor reads them at compile time and generates a {@code <Model>MuP} subclass;
 * the annotations are not retained at run time.
 */
package dev.mup.annotations;
