package dev.mup.examples;

import dev.mup.examples.gpt.GptTask;
import dev.mup.examples.gpt.TiedGptTask;
import dev.mup.examples.mlp.MlpTask;
import dev.mup.examples.resnet.ResNetTask;
import dev.mup.workflow.task.MuTask;
import dev.mup.workflow.task.TaskProvider;
import java.util.Map;

/** The short names of the example tasks: {@code mlp}, {@code gpt}, {@code gpt-tied} and {@code resnet}. */
public final class ExampleTasks implements TaskProvider {

    /** Creates the provider (for {@link java.util.ServiceLoader}). */
    public ExampleTasks() {}

    @Override
    public Map<String, Class<? extends MuTask>> tasks() {
        return Map.of("mlp", MlpTask.class, "gpt", GptTask.class, "gpt-tied", TiedGptTask.class,
                "resnet", ResNetTask.class);
    }
}
