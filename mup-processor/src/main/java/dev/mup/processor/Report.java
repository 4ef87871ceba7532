package dev.mup.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic.Kind;

/**
 * The diagnostics of one validated class (a model or a block), counting its errors: the class is
 * generated only when none was reported. Every diagnostic is attached to an element, and to the
 * annotation (and its value) when the problem is in one.
 */
final class Report {

    private final Messager messager;
    private int errors;

    Report(Messager messager) {
        this.messager = messager;
    }

    /**
     * The number of errors reported so far.
     *
     * @return the error count
     */
    int errors() {
        return errors;
    }

    void error(Element element, String message) {
        errors++;
        messager.printMessage(Kind.ERROR, message, element);
    }

    void error(Element element, AnnotationMirror mirror, String message) {
        errors++;
        messager.printMessage(Kind.ERROR, message, element, mirror);
    }

    /** An error on an annotation value, or on the annotation when {@code value} is {@code null}. */
    void error(Element element, AnnotationMirror mirror, AnnotationValue value, String message) {
        errors++;
        if (value == null) {
            messager.printMessage(Kind.ERROR, message, element, mirror);
        } else {
            messager.printMessage(Kind.ERROR, message, element, mirror, value);
        }
    }

    /** A warning, which does not stop generation. */
    void warning(Element element, String message) {
        messager.printMessage(Kind.WARNING, message, element);
    }
}
