package dev.mup.examples.cli;

import dev.mup.examples.gpt.CharCorpus;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --text FILE} of the GPT commands: the corpus to train on, or the built-in one. A file
 * that is missing, unreadable, not UTF-8 or too short is bad input, reported like any other bad
 * argument (one line, exit status 2) before any work starts.
 */
final class TextOption {

    private TextOption() {}

    /**
     * The corpus {@code --text} names.
     *
     * @param cli the command line, for the error
     * @param text the file, or null for the built-in corpus
     * @return the corpus
     * @throws ParameterException if the file cannot be used
     */
    static CharCorpus corpus(CommandLine cli, Path text) {
        if (text == null) {
            return CharCorpus.builtIn();
        }
        try {
            return CharCorpus.read(text);
        } catch (FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            throw new ParameterException(cli, "--text " + text + ": " + reason);
        } catch (IOException e) {
            throw new ParameterException(cli, "--text " + text + ": cannot be read (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            // CharCorpus names the file in its message ("FILE is not UTF-8 text")
            throw new ParameterException(cli, "--text: " + e.getMessage());
        }
    }
}
