package dev.mup.cli;

import dev.mup.examples.gpt.CharCorpus;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TrialStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Opening an existing sweep store for reading, as {@code report} and {@code transfer} do. */
final class StoreAccess {

    private StoreAccess() {}

    /**
     * Opens a store that must already hold a sweep; a SQLite file that does not exist is an error
     * rather than a new empty store.
     */
    static TrialStore openExisting(CommandLine cli, String url) {
        if (url.startsWith("jdbc:sqlite:")) {
            String file = url.substring("jdbc:sqlite:".length());
            int query = file.indexOf('?');
            file = query >= 0 ? file.substring(0, query) : file;
            if (!file.isEmpty() && !file.startsWith(":memory:") && !Files.exists(Path.of(file))) {
                throw new ParameterException(cli, "No sweep store at " + file + ": run the sweep first");
            }
        }
        TrialStore store = TrialStore.open(url);
        if (store.definition().isEmpty()) {
            store.close();
            throw new ParameterException(cli, url + " holds no sweep: run the sweep first");
        }
        return store;
    }

    /** The sweep's settings. */
    static SweepSettings settings(CommandLine cli, TrialStore store) {
        try {
            return SweepSettings.fromJson(store.definition().orElseThrow());
        } catch (RuntimeException e) {
            throw new ParameterException(cli, "The store's sweep definition cannot be read: " + e.getMessage());
        }
    }

    /** The text a GPT sweep trained on, checked against what the store recorded. */
    static CharCorpus corpus(CommandLine cli, SweepSettings settings, Path text) throws IOException {
        if (!"gpt".equals(settings.model())) {
            return null;
        }
        CharCorpus corpus = TextOption.corpus(cli, text);
        String data = corpus.describe();
        if (!data.equals(settings.data())) {
            throw new ParameterException(cli, "The sweep trained on " + settings.data() + ", not on " + data
                    + ": pass the same --text");
        }
        return corpus;
    }
}
