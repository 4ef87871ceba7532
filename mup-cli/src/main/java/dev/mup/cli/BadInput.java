package dev.mup.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Bad input that the usage would not help with (a task that cannot be loaded, a setting or a width
 * the task refuses): reported in one line, exit status 2.
 */
final class BadInput extends ParameterException {

    private static final long serialVersionUID = 1L;

    BadInput(CommandLine cli, String message) {
        super(cli, message);
    }
}
