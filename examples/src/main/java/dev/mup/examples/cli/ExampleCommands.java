package dev.mup.examples.cli;

import dev.mup.cli.CommandProvider;
import java.util.List;

/** The example commands the {@code mup} command line gains with the examples on its class path: {@code demo}, {@code bench} and {@code variants}. */
public final class ExampleCommands implements CommandProvider {

    /** Creates the provider (for {@link java.util.ServiceLoader}). */
    public ExampleCommands() {}

    @Override
    public List<Object> commands() {
        return List.of(new DemoCommand(), new BenchCommand(), new VariantsCommand());
    }
}
