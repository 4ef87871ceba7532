package dev.mup.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.mup.runtime.precision.Precision;
import java.util.Locale;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where and in what arithmetic a command trains: {@code --device cpu|gpu|gpu:N|auto} and
 * {@code --precision fp32|fp16}. A training command mixes it in and hands {@link #device()} and
 * {@link #precision()} to the runtime:
 *
 * <pre>{@code
 * @Mixin DeviceOption devices;
 * ... CoordinateCheck.builder().device(devices.device()).precision(devices.precision()) ...
 * }</pre>
 *
 * <p>A device the engine does not have, or bfloat16, is refused while the command line is parsed,
 * before any work, with one line saying why ({@link Unavailable}); a misspelt value gets the
 * usual message and usage. {@code auto} (the default) is the engine's default device, a GPU when
 * the engine has one.
 */
public final class DeviceOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private Device device;
    private Precision precision;

    /**
     * Chooses the device.
     *
     * @param name {@code cpu}, {@code gpu} (the first GPU), {@code gpu:N} or {@code auto}
     */
    @Option(names = "--device", paramLabel = "DEVICE",
            description = "cpu, gpu (the first GPU), gpu:N, or auto: the engine's default device,"
                    + " a GPU when it has one (default auto).")
    void setDevice(String name) {
        try {
            device = parse(name, () -> Engine.getInstance().getGpuCount());
        } catch (IllegalStateException e) {
            throw new Unavailable(mixee.commandLine(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /**
     * Chooses the precision.
     *
     * @param name {@code fp32} or {@code fp16}
     */
    @Option(names = "--precision", paramLabel = "PRECISION",
            description = "fp32 (default), or fp16: float16 compute with float32 weights, float32"
                    + " optimizer state and loss scaling. fp16 is meant for GPUs: on most CPUs"
                    + " PyTorch's float16 matrix products are many times slower than float32's.")
    void setPrecision(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        try {
            precision = Precision.parse(n);
        } catch (IllegalArgumentException e) {
            if (n.startsWith("bf")) {
                throw new Unavailable(mixee.commandLine(), "--precision " + name + ": " + e.getMessage());
            }
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /**
     * The device to train on: the one asked for, else the engine's default.
     *
     * @return the device
     */
    public Device device() {
        if (device == null) {
            device = Engine.getInstance().defaultDevice();
        }
        return device;
    }

    /**
     * The precision to train in.
     *
     * @return the one asked for, else {@link Precision#FP32}
     */
    public Precision precision() {
        return precisionOr(Precision.FP32);
    }

    /**
     * The precision to train in, when a command has its own default (as {@code transfer}, which
     * trains as its sweep did).
     *
     * @param fallback used when {@code --precision} was not given
     * @return the precision
     */
    public Precision precisionOr(Precision fallback) {
        return precision != null ? precision : fallback;
    }

    /**
     * Parses a device name against the GPUs the engine has; public so that a program without
     * picocli (or a test, with any number of GPUs) can use the same rules.
     *
     * @param name {@code cpu}, {@code gpu}, {@code gpu:N} or {@code auto}, in any case
     * @param gpus how many GPUs the engine sees; asked only when a GPU is named
     * @return the device
     * @throws IllegalArgumentException when the name is not one of the accepted forms
     * @throws IllegalStateException when it names a GPU the engine does not have
     */
    public static Device parse(String name, IntSupplier gpus) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if ("auto".equals(n)) {
            return Engine.getInstance().defaultDevice();
        }
        if ("cpu".equals(n)) {
            return Device.cpu();
        }
        int index;
        if ("gpu".equals(n)) {
            index = 0;
        } else if (n.matches("gpu:\\d{1,4}")) {
            index = Integer.parseInt(n.substring(4));
        } else {
            throw new IllegalArgumentException("Unknown --device '" + name + "': use cpu, gpu, gpu:N or auto");
        }
        int count = gpus.getAsInt();
        if (count == 0) {
            throw new IllegalStateException("no GPU available to DJL's " + engineName()
                    + " engine (found CPU only); use --device cpu");
        }
        if (index >= count) {
            throw new IllegalStateException("no gpu:" + index + ": DJL's " + engineName() + " engine sees "
                    + count + (count == 1 ? " GPU (gpu:0)" : " GPUs (gpu:0 to gpu:" + (count - 1) + ")")
                    + "; choose one of them or --device cpu");
        }
        return Device.gpu(index);
    }

    private static String engineName() {
        return Engine.getInstance().getEngineName();
    }

    /**
     * A device or precision this machine's engine cannot give: reported in one line, since the
     * usage would not help.
     */
    public static final class Unavailable extends ParameterException {
        private static final long serialVersionUID = 1L;

        Unavailable(CommandLine commandLine, String message) {
            super(commandLine, message);
        }
    }
}
