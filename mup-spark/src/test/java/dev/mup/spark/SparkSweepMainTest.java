package dev.mup.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.examples.mlp.MlpTask;
import dev.mup.workflow.sweep.SweepSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The spark-submit entry point's options become the sweep's settings, as the sweep command's do. */
class SparkSweepMainTest {

    private static SweepSettings settings(String... args) {
        SparkSweepMain main = new SparkSweepMain();
        new CommandLine(main).parseArgs(args);
        return main.settings();
    }

    @Test
    void optionsBecomeTheSweepsSettings() {
        SweepSettings s = settings("--task", MlpTask.class.getName(), "--store", "jdbc:sqlite:x.db",
                "--set", "classes=5", "--param", "mup", "--widths", "32,64", "--steps", "30", "--batch", "8",
                "--optimizer", "adam", "--grid", "log2Lr=-10:-7:1");
        assertEquals(MlpTask.class.getName(), s.task());
        assertEquals("5", s.taskSettings().get("classes"));
        assertEquals(List.of("mup"), s.parametrizations());
        assertEquals(List.of(32, 64), s.widths());
        assertEquals(30, s.steps());
        assertEquals(8, s.batch());
        assertEquals("adam", s.optimizer());
        assertTrue(s.space().toString().contains("log2Lr"), String.valueOf(s.space()));
    }

    @Test
    void depthAndEpsilonOptionsReachTheSettings() {
        SweepSettings s = settings("--task", "gpt", "--store", "jdbc:sqlite:x.db", "--param", "mup",
                "--widths", "32", "--depths", "2,4", "--depth-exponent", "1", "--optimizer", "adamw-scaled",
                "--epsilon", "1e-6", "--epsilon-scaling", "hidden", "--grid", "log2Lr=-8");
        assertEquals(List.of(2, 4), s.depths());
        assertEquals(1.0, s.depthExponent());
        assertEquals("adamw-scaled", s.optimizer());
        assertEquals(1e-6, s.epsilon());
        assertEquals(dev.mup.runtime.EpsilonScaling.HIDDEN, s.epsilonScaling());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings("--task", MlpTask.class.getName(), "--store", "jdbc:sqlite:x.db", "--widths", "32",
                        "--depths", "2,4", "--grid", "log2Lr=-8"));
        assertTrue(e.getMessage().contains("depth"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> settings("--task", MlpTask.class.getName(), "--store", "jdbc:sqlite:x.db",
                        "--epsilon-scaling", "tiny", "--grid", "log2Lr=-8"));
        assertTrue(e.getMessage().contains("fixed, hidden or global"), e.getMessage());
    }

    @Test
    void aSettingWithoutAValueIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings("--task", MlpTask.class.getName(), "--store", "jdbc:sqlite:x.db", "--set", "classes"));
        assertTrue(e.getMessage().contains("KEY=VALUE"), e.getMessage());
    }
}
