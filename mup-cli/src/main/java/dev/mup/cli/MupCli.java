package dev.mup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mup} command line: parses, calls the workflow on a task, prints. Any
 * {@link dev.mup.workflow.task.MuTask} on the class path runs by its class name; short names and
 * extra commands come from {@link dev.mup.workflow.task.TaskProvider} and {@link CommandProvider}
 * services (the examples add {@code mlp}, {@code gpt}, {@code gpt-tied}, {@code resnet}, {@code demo} and
 * {@code bench}).
 *
 * <pre>
 * java -cp my-model.jar:mup-cli/target/mup-cli.jar dev.mup.cli.MupCli coord-check --task com.acme.MyTask
 * java -jar examples/target/mup-examples.jar parametrization --task mlp --width 4096 --json
 * </pre>
 */
@Command(
        name = "mup",
        mixinStandardHelpOptions = true,
        version = "mup 0.1.0",
        description = "μP (Maximal Update Parametrization) for DJL models: coordinate check, sweep, report"
                + " and transfer on any task.",
        subcommands = {
            ParametrizationCommand.class,
            CoordCheckCommand.class,
            SweepCommand.class,
            ReportCommand.class,
            TransferCommand.class,
            CommandLine.HelpCommand.class
        })
public final class MupCli {

    private MupCli() {}

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting, for tests.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int run(String... args) {
        configureEnvironment();
        CommandLine cli = new CommandLine(new MupCli());
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (CommandProvider provider : java.util.ServiceLoader.load(CommandProvider.class,
                loader != null ? loader : MupCli.class.getClassLoader())) {
            for (Object command : provider.commands()) {
                cli.addSubcommand(command);
            }
        }
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        return cli
                .registerConverter(dev.mup.runtime.InitMode.class, dev.mup.runtime.InitMode::parse)
                .registerConverter(OptimizerChoice.class, OptimizerChoice::parse)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    // a failure while running (a file that cannot be written, a model that
                    // cannot be built) is reported as one line, not a stack trace
                    commandLine.getErr().println("mup " + commandLine.getCommandName()
                            + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    return 1;
                })
                .setParameterExceptionHandler((e, arguments) -> {
                    // a device or precision the machine lacks: the usage would not help
                    if (e instanceof DeviceOption.Unavailable || e instanceof BadInput) {
                        e.getCommandLine().getErr().println(
                                "mup " + e.getCommandLine().getCommandName() + ": " + e.getMessage());
                        return 2;
                    }
                    return usage.handleParseException(e, arguments);
                })
                .execute(args);
    }

    /**
     * Makes DJL work offline from the bundled PyTorch native library and keeps its logging to
     * warnings, unless the user set these properties.
     */
    static void configureEnvironment() {
        setDefault("ai.djl.offline", "true");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        // DJL warns on every start of a CPU-only machine that it found no usable CUDA driver
        setDefault("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
