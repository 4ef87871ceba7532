package dev.mup.examples.cli;

import dev.mup.cli.DeviceOption;
import dev.mup.cli.OptimizerChoice;
import dev.mup.examples.bench.BenchResult;
import dev.mup.examples.bench.BenchSettings;
import dev.mup.examples.bench.StepBench;
import dev.mup.examples.gpt.CharCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import dev.mup.runtime.precision.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Times a training step of the example GPT in μP against the same model in plain DJL, and the
 * engine's matmul rate; the measuring is {@link StepBench}'s, this command parses and prints.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Median time per training step (forward, backward, Adam) of the example GPT:"
                + " the generated μP model with its μP Adam against the same architecture in plain DJL"
                + " with DJL's Adam; also the engine's 1024³ matmul rate. Thread counts come from"
                + " -Dai.djl.pytorch.num_threads and -Dai.djl.pytorch.num_interop_threads.")
final class BenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DeviceOption devices;

    @Option(names = "--widths", split = ",", defaultValue = "128,256,512",
            description = "Widths (dModel) to time (default 128,256,512).")
    List<Integer> widths;

    @Option(names = "--layers", defaultValue = "2", description = "GPT blocks (default 2).")
    int layers;

    @Option(names = "--head-size", defaultValue = "32", description = "Attention head size (default 32).")
    int headSize;

    @Option(names = "--sequence", defaultValue = "64", description = "Sequence length (default 64).")
    int sequence;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default 16).")
    int batch;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps per variant and width (default 5).")
    int warmup;

    @Option(names = "--steps", defaultValue = "20", description = "Timed steps per variant and width (default 20).")
    int steps;

    @Option(names = "--text", description = "UTF-8 text to cut batches from (default: the built-in corpus).")
    Path text;

    @Option(names = "--json", description = "Write the results to this JSON file.")
    Path json;

    @Override
    public Integer call() throws IOException {
        StepBench bench;
        try {
            BenchSettings settings = new BenchSettings(widths, layers, headSize, sequence, batch, warmup, steps);
            CharCorpus corpus = TextOption.corpus(spec.commandLine(), text);
            if (devices.precision() != Precision.FP32) {
                throw new IllegalArgumentException(
                        "bench times float32 training steps; --precision " + devices.precision()
                                + " is for the training commands");
            }
            bench = new StepBench(settings, corpus, devices.device());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        BenchResult result = bench.run(line -> System.err.println("bench: " + line));
        PrintWriter out = spec.commandLine().getOut();
        out.print(BenchReport.table(result));
        out.flush();
        if (json != null) {
            BenchReport.writeJson(result, json);
        }
        return 0;
    }
}
