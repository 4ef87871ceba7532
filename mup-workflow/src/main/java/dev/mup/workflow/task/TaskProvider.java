package dev.mup.workflow.task;

import java.util.Map;

/**
 * Gives short names to tasks, found through {@link java.util.ServiceLoader}: a jar lists its
 * providers in {@code META-INF/services/dev.mup.workflow.task.TaskProvider}, and
 * {@code --task NAME} finds them. Without one, a task is named by its class.
 */
public interface TaskProvider {

    /**
     * The tasks this provider names.
     *
     * @return task classes by short name (e.g. {@code mlp})
     */
    Map<String, Class<? extends MuTask>> tasks();
}
