package dev.mup.cli;

import dev.mup.runtime.MuOptions;

import dev.mup.workflow.task.MuTask;
import dev.mup.workflow.task.Tasks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --task} of a command, with its {@code --set key=value} settings: any
 * {@link MuTask} on the class path, by class name or by a short name a
 * {@link dev.mup.workflow.task.TaskProvider} gives. Bad input (a class that is missing, is not a
 * task or fails in its constructor, a setting it refuses) is one line and exit status 2.
 */
public final class TaskOption {

    /** The task, or null for the default. */
    @Option(names = {"--task", "--model"}, paramLabel = "TASK",
            description = "The task: a MuTask class on the class path (e.g. com.acme.MyTask) or a short name"
                    + " (the examples: mlp, gpt, gpt-tied, resnet); default mlp when the examples are on the class"
                    + " path. --model is an alias.")
    String task;

    /** The settings, as given. */
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A setting of the task, repeatable (e.g. --set text=input.txt); see the task.")
    List<String> settings = new ArrayList<>();

    /**
     * The task's name as given, or the default.
     *
     * @return the name
     */
    public String name() {
        if (task != null) {
            return task;
        }
        return Tasks.shortNames(loader()).containsKey("mlp") ? "mlp" : null;
    }

    /**
     * Creates and configures the task.
     *
     * @param cli the command, for errors
     * @param aliases settings that options of the command stand for: option name → {key, value}
     * @return the configured task
     * @throws ParameterException for any bad input
     */
    public MuTask load(CommandLine cli, Map<String, String[]> aliases) {
        String name = name();
        if (name == null) {
            throw new BadInput(cli, "--task is required: name a MuTask class on the class path");
        }
        MuTask created;
        try {
            created = Tasks.create(name, loader());
        } catch (IllegalArgumentException e) {
            throw new BadInput(cli, e.getMessage());
        }
        Map<String, String[]> all = new LinkedHashMap<>(aliases);
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new BadInput(cli, "--set takes KEY=VALUE, got '" + s + "'");
            }
            all.put("--set " + s, new String[] {s.substring(0, eq).trim(), s.substring(eq + 1)});
        }
        for (Map.Entry<String, String[]> e : all.entrySet()) {
            try {
                created.configure(e.getValue()[0], e.getValue()[1]);
            } catch (RuntimeException failure) {
                throw new BadInput(cli, e.getKey() + ": " + oneLine(failure));
            }
        }
        return created;
    }

    /**
     * Checks widths against the task.
     *
     * @param cli the command, for errors
     * @param task the task
     * @param option the option that gave them
     * @param widths the widths
     * @throws ParameterException naming the first width the task refuses
     */
    public static void checkWidths(CommandLine cli, MuTask task, String option, List<Integer> widths) {
        for (int w : widths) {
            try {
                task.checkWidth(w);
            } catch (RuntimeException e) {
                throw new BadInput(cli, option + ": " + oneLine(e));
            }
        }
    }

    /**
     * Checks a depth axis against the task: the task must have one ({@link MuTask#baseDepth()}),
     * the depths must be positive and distinct, and they vary depth at exactly one width.
     *
     * @param cli the command, for errors
     * @param task the task
     * @param option the option that gave the depths
     * @param depths the depths
     * @param widths the widths given beside them
     * @throws ParameterException naming what is wrong
     */
    public static void checkDepths(CommandLine cli, MuTask task, String option, List<Integer> depths,
            List<Integer> widths) {
        if (widths.size() != 1) {
            throw new BadInput(cli, option + " varies depth at one fixed width: give exactly one width, got "
                    + widths);
        }
        if (depths.stream().distinct().count() != depths.size()) {
            throw new BadInput(cli, option + " lists a depth twice: " + depths);
        }
        for (int d : depths) {
            try {
                task.checkDepth(d);
                // the model must agree with the task about its depth and base depth (Tasks.model checks)
                Tasks.model(task, widths.get(0), d, MuOptions.defaults());
            } catch (RuntimeException e) {
                throw new BadInput(cli, option + ": " + oneLine(e));
            }
        }
    }

    /**
     * Checks a depth exponent given with {@code --depth-exponent}.
     *
     * @param cli the command, for the error
     * @param alpha the depth exponent α
     * @throws BadInput when α is outside [0, 1]
     */
    static void checkDepthExponent(CommandLine cli, double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new BadInput(cli, "--depth-exponent must be in [0, 1] (0 off, 0.5 depth-μP,"
                    + " 1 CompleteP), got " + alpha);
        }
    }

    /**
     * Refuses a depth option for a task without a depth axis.
     *
     * @param cli the command, for the error
     * @param task the task
     * @param option the option given
     * @throws BadInput when {@link MuTask#baseDepth()} is empty
     */
    static void requireDepthAxis(CommandLine cli, MuTask task, String option) {
        if (task.baseDepth().isEmpty()) {
            throw new BadInput(cli, option + " needs a task with a depth axis; " + task.name() + " has none");
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    private static ClassLoader loader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : TaskOption.class.getClassLoader();
    }
}
