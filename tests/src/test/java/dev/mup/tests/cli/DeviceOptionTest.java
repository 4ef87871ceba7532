package dev.mup.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.cli.DeviceOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device} and {@code --precision} on the training commands: a device or precision the
 * machine cannot give is refused in one line before any work, misspellings with the usage, and
 * float16 runs end to end.
 */
class DeviceOptionTest {

    private static final String NO_GPU =
            "no GPU available to DJL's PyTorch engine (found CPU only); use --device cpu";

    @TempDir Path dir;

    private String store() {
        return "jdbc:sqlite:" + dir.resolve("sweep.db");
    }

    private String[][] trainingCommands(String... options) {
        String[][] commands = {
            {"coord-check", "--widths", "64,128", "--steps", "1", "--seeds", "1"},
            {"demo", "--widths", "64", "--steps", "5"},
            {"sweep", "--grid", "log2Lr=-8", "--widths", "64", "--steps", "2", "--store", store()},
            {"transfer", "--store", store(), "--target-width", "128", "--verify"},
        };
        for (int i = 0; i < commands.length; i++) {
            String[] c = new String[commands[i].length + options.length];
            System.arraycopy(commands[i], 0, c, 0, commands[i].length);
            System.arraycopy(options, 0, c, commands[i].length, options.length);
            commands[i] = c;
        }
        return commands;
    }

    private void assertOneLineBeforeAnyWork(String[] args, String message) {
        CliTest.Run r = CliTest.run(args);
        String command = String.join(" ", args);
        assertEquals(2, r.exitCode(), command + ": " + r.err());
        assertEquals("mup " + args[0] + ": " + message, r.err().strip(), command + ": one line");
        assertTrue(r.out().isEmpty(), command + ": nothing on stdout: " + r.out());
        assertFalse(Files.exists(dir.resolve("sweep.db")), command + ": no store written");
    }

    @Test
    void aGpuOnAMachineWithoutOneIsRefusedInOneLineBeforeAnyWork() {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        for (String device : new String[] {"gpu", "GPU:0", "gpu:3"}) {
            for (String[] args : trainingCommands("--device", device)) {
                assertOneLineBeforeAnyWork(args, NO_GPU);
            }
        }
    }

    @Test
    void bfloat16IsRefusedInOneLineWithTheEnginesReason() {
        for (String[] args : trainingCommands("--precision", "bf16")) {
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.exitCode(), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().contains("bfloat16 is not available with DJL 0.35.1's PyTorch engine"), r.err());
            assertTrue(r.err().contains("use fp16"), r.err());
            assertFalse(Files.exists(dir.resolve("sweep.db")));
        }
    }

    @Test
    void misspeltValuesGetTheUsage() {
        for (String[] args : trainingCommands("--device", "tpu")) {
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().contains("Unknown --device 'tpu': use cpu, gpu, gpu:N or auto"), r.err());
            assertTrue(r.err().contains("Usage: mup " + args[0]), r.err());
        }
        CliTest.Run r = CliTest.run("demo", "--precision", "fp8");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("Unknown precision 'fp8': use fp32 or fp16"), r.err());
    }

    @Test
    void devicesParseAgainstTheGpusTheEngineSees() {
        assertEquals(Device.cpu(), DeviceOption.parse("CPU", () -> 0));
        assertEquals(Device.gpu(0), DeviceOption.parse("gpu", () -> 2));
        assertEquals(Device.gpu(1), DeviceOption.parse("gpu:1", () -> 2));
        assertEquals(Engine.getInstance().defaultDevice(), DeviceOption.parse("auto", () -> 0));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> DeviceOption.parse("gpu:2", () -> 2));
        assertTrue(missing.getMessage().contains("no gpu:2") && missing.getMessage().contains("gpu:0 to gpu:1"),
                missing.getMessage());
        assertEquals(NO_GPU, assertThrows(IllegalStateException.class,
                () -> DeviceOption.parse("gpu", () -> 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceOption.parse("gpu:-1", () -> 2));
        assertThrows(IllegalArgumentException.class, () -> DeviceOption.parse("cuda", () -> 2));
    }

    @Test
    void float16RunsEndToEndOnTheChosenDevice() throws IOException {
        CliTest.Run demo = CliTest.run("demo", "--widths", "64,128", "--steps", "60", "--batch", "32",
                "--device", "cpu", "--precision", "fp16");
        assertEquals(0, demo.exitCode(), demo.err());
        assertTrue(demo.out().contains("in fp16"), demo.out());
        assertTrue(demo.err().contains("training on cpu() in fp16"), demo.err());

        CliTest.Run check = CliTest.run("coord-check", "--widths", "64,256", "--steps", "3", "--seeds", "1",
                "--precision", "fp16");
        assertEquals(0, check.exitCode(), check.err());
        assertTrue(check.out().contains("fp16") && check.out().contains("Verdict: FLAT"), check.out());

        // a float16 sweep records its precision: a float32 worker cannot join it, and transfer
        // --verify trains in float16 unless told otherwise
        String[] sweep = {"sweep", "--model", "mlp", "--param", "mup", "--widths", "64,128", "--steps", "6",
            "--batch", "16", "--valid-batches", "2", "--grid", "log2Lr=-8,-6", "--store", store()};
        CliTest.Run r = CliTest.run(append(sweep, "--precision", "fp16"));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("4 trials (0 diverged)"), r.out());
        r = CliTest.run(sweep);
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("different sweep"), r.err());
        Path target = dir.resolve("target.json");
        r = CliTest.run("transfer", "--store", store(), "--target-width", "256", "--out", target.toString(),
                "--verify", "--device", "cpu");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject mup = JsonParser.parseString(Files.readString(target)).getAsJsonObject()
                .getAsJsonArray("targets").get(0).getAsJsonObject();
        assertEquals("fp16", mup.get("targetPrecision").getAsString(), mup.toString());
        assertTrue(mup.get("targetValidationLoss").getAsDouble() > 0, mup.toString());
    }

    private static String[] append(String[] args, String... more) {
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
