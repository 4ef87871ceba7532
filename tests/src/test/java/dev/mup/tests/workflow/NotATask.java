package dev.mup.tests.workflow;

/** A class that is not a task, for the command line's bad input. */
public class NotATask {
    /** Creates nothing useful. */
    public NotATask() {}
}
