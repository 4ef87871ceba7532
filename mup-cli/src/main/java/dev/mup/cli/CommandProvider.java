package dev.mup.cli;

import java.util.List;

/**
 * Adds subcommands to the {@code mup} command line, found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.mup.cli.CommandProvider}): the examples add {@code demo} and
 * {@code bench} this way.
 */
public interface CommandProvider {

    /**
     * New instances of picocli commands (classes annotated with {@code @Command}).
     *
     * @return the commands
     */
    List<Object> commands();
}
