package dev.mup.tests.workflow;

/** A task whose constructor fails, for the command line's bad input. */
public class FailingTask extends TinyTask {
    /** Fails. */
    public FailingTask() {
        throw new IllegalStateException("no data here\nsecond line");
    }
}
