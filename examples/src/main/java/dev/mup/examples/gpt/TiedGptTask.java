package dev.mup.examples.gpt;

/** The example GPT with its readout tied to the token embedding ({@link TiedGpt}). Short name {@code gpt-tied}. */
public class TiedGptTask extends GptTask {

    /** Creates the task on the built-in corpus. */
    public TiedGptTask() {
        super(true);
    }
}
