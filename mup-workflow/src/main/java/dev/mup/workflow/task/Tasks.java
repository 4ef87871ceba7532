package dev.mup.workflow.task;

import dev.mup.runtime.DepthDimension;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds and creates tasks by short name or fully qualified class name. */
public final class Tasks {

    private Tasks() {}

    /**
     * The short names every {@link TaskProvider} on the class path gives.
     *
     * @param loader where to look
     * @return task classes by short name, sorted
     */
    public static Map<String, Class<? extends MuTask>> shortNames(ClassLoader loader) {
        Map<String, Class<? extends MuTask>> names = new TreeMap<>();
        for (TaskProvider provider : ServiceLoader.load(TaskProvider.class, loader)) {
            provider.tasks().forEach(names::putIfAbsent);
        }
        return names;
    }

    /**
     * Creates a task from a short name or a class name, with the context class loader.
     *
     * @param name e.g. {@code mlp} or {@code com.acme.MyTask}
     * @return a new task
     * @throws IllegalArgumentException in one line when the class is missing, is not a
     *     {@link MuTask}, has no public no-argument constructor or fails in it
     */
    public static MuTask create(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return create(name, loader != null ? loader : Tasks.class.getClassLoader());
    }

    /**
     * Creates a task from a short name or a class name.
     *
     * @param name e.g. {@code mlp} or {@code com.acme.MyTask}
     * @param loader where to look
     * @return a new task
     * @throws IllegalArgumentException in one line when the class is missing, is not a
     *     {@link MuTask}, has no public no-argument constructor or fails in it
     */
    public static MuTask create(String name, ClassLoader loader) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("No task given: name a MuTask class or one of " + known(loader));
        }
        String trimmed = name.trim();
        Map<String, Class<? extends MuTask>> shortNames = shortNames(loader);
        Class<?> type = shortNames.get(trimmed);
        if (type == null) {
            try {
                type = Class.forName(trimmed, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalArgumentException("Unknown task '" + trimmed + "': no class of that name on the"
                        + " class path, and not a short name (" + known(loader) + ")");
            }
        }
        if (!MuTask.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("Task class " + type.getName() + " does not implement "
                    + MuTask.class.getName());
        }
        if (Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException("Task class " + type.getName()
                    + " must be a public concrete class with a public no-argument constructor");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("Task class " + type.getName()
                    + " has no public no-argument constructor");
        }
        try {
            return (MuTask) constructor.newInstance();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("Task " + type.getName() + " failed in its constructor: "
                    + cause.getClass().getSimpleName() + ": " + oneLine(cause.getMessage()));
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("Task " + type.getName() + " cannot be created: "
                    + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()));
        }
    }

    private static String known(ClassLoader loader) {
        Map<String, Class<? extends MuTask>> names = shortNames(loader);
        return names.isEmpty() ? "none on the class path" : String.join(", ", names.keySet());
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Builds a task's model at a depth and checks that the model agrees with the task about it:
     * the model must declare its depth ({@code @Depth} on its list of blocks), have the asked
     * number of blocks, and have the base depth the task declares. The depth multiplier
     * {@code m_L = depth / base} comes from the model, so a task whose {@link MuTask#baseDepth()}
     * says another base would tune and transfer at depths that do not mean what it says.
     *
     * @param task the task, with a depth axis
     * @param width the width knob
     * @param depth the number of blocks
     * @param options μP or SP, multipliers and the depth exponent
     * @return the model, not yet initialized
     * @throws IllegalArgumentException in one line when the model and the task disagree
     */
    public static MuModel model(MuTask task, int width, int depth, MuOptions options) {
        MuModel model = task.model(width, depth, options);
        DepthDimension declared = model.muParametrization().depth().orElseThrow(() -> new IllegalArgumentException(
                task.name() + " has a depth axis (baseDepth() " + task.baseDepth().getAsInt() + ") but the model its"
                        + " model(width, depth, options) builds declares no depth: annotate the model's list of"
                        + " @MuBlock blocks with @Depth(base = " + task.baseDepth().getAsInt() + ")"));
        if (declared.value() != depth) {
            throw new IllegalArgumentException(task.name() + ".model(width, depth, options) built "
                    + declared.value() + " blocks (" + declared.name() + ") when asked for depth " + depth);
        }
        if (declared.base() != task.baseDepth().getAsInt()) {
            throw new IllegalArgumentException(task.name() + ".baseDepth() is " + task.baseDepth().getAsInt()
                    + " but its model's base depth (@Depth(base) on " + declared.name() + ", or MuOptions.baseDepth)"
                    + " is " + declared.base() + "; depth scaling uses the model's: make the two agree");
        }
        return model;
    }
}
