package dev.mup.cli;

import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TrialStore;
import dev.mup.workflow.task.MuTask;
import java.util.LinkedHashMap;
import java.util.Map;
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
                throw new BadInput(cli, "No sweep store at " + file + ": run the sweep first");
            }
        }
        TrialStore store = TrialStore.open(url);
        if (store.definition().isEmpty()) {
            store.close();
            throw new BadInput(cli, url + " holds no sweep: run the sweep first");
        }
        return store;
    }

    /**
     * The sweep's settings, or null when the store was filled by a worker with a definition of its
     * own (a report reads its trials all the same).
     */
    static SweepSettings settings(CommandLine cli, TrialStore store) {
        String definition = store.definition().orElseThrow();
        if (!SweepSettings.isSettings(definition)) {
            return null;
        }
        try {
            return SweepSettings.fromJson(definition);
        } catch (RuntimeException e) {
            throw new BadInput(cli, "The store's sweep definition cannot be read: " + e.getMessage());
        }
    }

    /**
     * The sweep's task, created and configured as the store recorded, with the settings the
     * command line adds on top (a data file that lives elsewhere on this machine), and checked to
     * train on the same data.
     */
    static MuTask task(CommandLine cli, SweepSettings settings, TaskOption given, Map<String, String[]> aliases) {
        TaskOption option = new TaskOption();
        option.task = given.task != null ? given.task : settings.task();
        Map<String, String[]> all = new LinkedHashMap<>();
        java.util.Set<String> overridden = new java.util.HashSet<>();
        aliases.values().forEach(a -> overridden.add(a[0]));
        given.settings.forEach(s -> overridden.add(s.contains("=") ? s.substring(0, s.indexOf('=')).trim() : s));
        settings.taskSettings().forEach((k, v) -> {
            if (!overridden.contains(k)) {
                all.put("the store's setting " + k + "=" + v, new String[] {k, v});
            }
        });
        all.putAll(aliases);
        option.settings = given.settings;
        MuTask task = option.load(cli, all);
        String data = task.data();
        if (!data.equals(settings.data())) {
            throw new BadInput(cli, "The sweep trained on " + settings.data() + ", not on " + data
                    + ": give the same data (e.g. --text)");
        }
        return task;
    }
}
