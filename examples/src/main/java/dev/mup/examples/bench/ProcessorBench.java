package dev.mup.examples.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The cost of the μP annotation processor: compiles a model with 200 annotated fields
 * ({@link AnnotatedModelSource}) with the processor ({@code -processorpath} the processor's jar)
 * and without any ({@code -proc:none}), and reports the medians and their difference. With the
 * processor, javac also generates and compiles {@code <Model>MuP}: that is the cost a user pays,
 * so it is counted.
 *
 * <p>Two settings, each timed with the two kinds of compilation interleaved (so that a change in
 * the machine's load hits both alike):
 *
 * <ul>
 *   <li><b>warm JVM</b>: {@code javax.tools} compilations in this JVM after warm-up runs, as a
 *       build daemon or an IDE compiles; each has its own file manager, and javac loads the
 *       processor from its path each time, as build tools do;
 *   <li><b>fresh javac</b>: one {@code javac} process per compilation, JVM start included, as a
 *       command-line or first build does.
 * </ul>
 *
 * <p>Every compilation must succeed, and it is checked that the processor ran: with it, the
 * generated {@code <Model>MuP.java} and its class file exist; without it, neither does. A run
 * where that fails stops the benchmark rather than report a comparison of nothing.
 *
 * <pre>
 * java -cp CLASSPATH dev.mup.examples.bench.ProcessorBench \
 *     --processor-path mup-processor/target/mup-processor-0.1.0-SNAPSHOT.jar \
 *     [--classpath CP] [--fields 200] [--warmup 5] [--warm-runs 15] [--fresh-runs 7] [--javac PATH]
 * </pre>
 *
 * <p>{@code --classpath} is what the model compiles against (DJL's API, mup-annotations,
 * mup-runtime), by default this JVM's class path; {@code docs/BENCHMARKS.md} gives the command
 * that builds both from the Maven reactor.
 */
public final class ProcessorBench {

    private static final String PACKAGE = "bench.generated";
    private static final String MODEL = "WideModel";

    private final AnnotatedModelSource model;
    private final Path source;
    private final Path work;
    private final String classpath;
    private final String processorPath;
    private final String javac;
    private int runs;

    private ProcessorBench(
            AnnotatedModelSource model, Path source, Path work, String classpath, String processorPath, String javac) {
        this.model = model;
        this.source = source;
        this.work = work;
        this.classpath = classpath;
        this.processorPath = processorPath;
        this.javac = javac;
    }

    /**
     * Runs the benchmark; exits with status 1 when a compilation fails or the processor did not
     * run, 2 for bad arguments.
     *
     * @param args see the class description
     * @throws IOException when the working files cannot be written
     * @throws InterruptedException when interrupted while waiting for javac
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ProcessorBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path work = Files.createTempDirectory("mup-processor-bench");
        try {
            AnnotatedModelSource model = AnnotatedModelSource.of(PACKAGE, MODEL, settings.fields);
            Path source = work.resolve("src").resolve(PACKAGE.replace('.', '/')).resolve(MODEL + ".java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, model.text(), StandardCharsets.UTF_8);
            new ProcessorBench(model, source, work, settings.classpath, settings.processorPath, settings.javac)
                    .run(settings, System.out);
        } catch (BenchmarkFailure e) {
            System.err.println("ProcessorBench: " + e.getMessage());
            System.exit(1);
        } finally {
            delete(work);
        }
    }

    private void run(Settings settings, PrintStream out) throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "Model: %s (%s), %d lines%n", MODEL, model.describe(),
                model.text().lines().count());
        out.printf(Locale.ROOT, "Java %s, %d cores; compile class path: %d entries; processor path: %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                classpath.split(File.pathSeparator).length, processorPath);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new BenchmarkFailure("no system Java compiler: run the benchmark on a JDK, not a JRE");
        }
        for (int i = 0; i < settings.warmup; i++) {
            inProcess(compiler, true);
            inProcess(compiler, false);
        }
        double[][] warm = interleaved(settings.warmRuns, with -> inProcess(compiler, with));
        report(out, "warm JVM (javax.tools, after " + settings.warmup + " warm-up pairs)", warm);

        double[][] fresh = interleaved(settings.freshRuns, this::freshProcess);
        report(out, "fresh javac process per compilation (" + javac + ")", fresh);
        out.printf(Locale.ROOT, "Checked: %s generated and compiled in each of the %d runs with the"
                + " processor, absent from each run without.%n", model.generatedName(), runs);
    }

    /** A compilation to time: with or without the processor; returns milliseconds. */
    @FunctionalInterface
    private interface Compilation {
        double time(boolean withProcessor) throws IOException, InterruptedException;
    }

    /** {@code n} timings of each kind, alternating which goes first: {@code [with, without]}. */
    private double[][] interleaved(int n, Compilation compilation) throws IOException, InterruptedException {
        double[][] ms = new double[2][n];
        for (int i = 0; i < n; i++) {
            boolean withFirst = i % 2 == 0;
            double first = compilation.time(withFirst);
            double second = compilation.time(!withFirst);
            ms[0][i] = withFirst ? first : second;
            ms[1][i] = withFirst ? second : first;
        }
        return ms;
    }

    private double inProcess(JavaCompiler compiler, boolean withProcessor) throws IOException {
        Output output = Output.fresh(work);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        long start = System.nanoTime();
        boolean ok;
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            ok = compiler.getTask(null, files, diagnostics, options(withProcessor, output), null,
                    files.getJavaFileObjects(source.toFile())).call();
        }
        double ms = (System.nanoTime() - start) / 1e6;
        if (!ok) {
            throw new BenchmarkFailure("javac failed " + (withProcessor ? "with" : "without")
                    + " the processor: " + diagnostics.getDiagnostics());
        }
        verify(output, withProcessor);
        return ms;
    }

    private double freshProcess(boolean withProcessor) throws IOException, InterruptedException {
        Output output = Output.fresh(work);
        Path arguments = output.root.resolve("javac.args");
        List<String> lines = new ArrayList<>();
        for (String option : options(withProcessor, output)) {
            lines.add(quoted(option));
        }
        lines.add(quoted(source.toString()));
        Files.write(arguments, lines, StandardCharsets.UTF_8);
        Path log = output.root.resolve("javac.log");
        ProcessBuilder builder = new ProcessBuilder(javac, "@" + arguments)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        long start = System.nanoTime();
        int status = builder.start().waitFor();
        double ms = (System.nanoTime() - start) / 1e6;
        if (status != 0) {
            throw new BenchmarkFailure("javac exited with " + status + (withProcessor ? " with" : " without")
                    + " the processor:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        verify(output, withProcessor);
        return ms;
    }

    private List<String> options(boolean withProcessor, Output output) {
        List<String> options = new ArrayList<>(List.of(
                "-d", output.classes.toString(),
                "-s", output.generated.toString(),
                "-classpath", classpath,
                "-encoding", "UTF-8",
                "-implicit:none"));
        if (withProcessor) {
            options.addAll(List.of("-processorpath", processorPath));
        } else {
            options.add("-proc:none");
        }
        return options;
    }

    /** Checks that the processor ran exactly when it should, then removes the run's files. */
    private void verify(Output output, boolean withProcessor) throws IOException {
        String path = model.generatedName().replace('.', '/');
        boolean generated = Files.isRegularFile(output.generated.resolve(path + ".java"));
        boolean compiled = Files.isRegularFile(output.classes.resolve(path + ".class"));
        boolean modelCompiled = Files.isRegularFile(output.classes.resolve(model.qualifiedName().replace('.', '/')
                + ".class"));
        if (!modelCompiled) {
            throw new BenchmarkFailure("javac reported success but wrote no " + model.qualifiedName() + " class");
        }
        if (withProcessor && !(generated && compiled)) {
            throw new BenchmarkFailure("the μP processor did not run: no " + model.generatedName()
                    + (generated ? " class" : " source") + " with -processorpath " + processorPath
                    + " (is it the processor's jar? build it with mvn package)");
        }
        if (!withProcessor && (generated || compiled)) {
            throw new BenchmarkFailure(model.generatedName() + " appeared with -proc:none: the comparison would"
                    + " not be one without the processor");
        }
        if (withProcessor) {
            runs++;
        }
        delete(output.root);
    }

    private static void report(PrintStream out, String setting, double[][] ms) {
        double[] paired = new double[ms[0].length];
        for (int i = 0; i < paired.length; i++) {
            paired[i] = ms[0][i] - ms[1][i];
        }
        out.printf(Locale.ROOT, "%s, %d runs of each:%n", setting, ms[0].length);
        out.printf(Locale.ROOT, "  with the processor     median %8.1f ms  (min %.1f, max %.1f)%n",
                median(ms[0]), min(ms[0]), max(ms[0]));
        out.printf(Locale.ROOT, "  without (-proc:none)   median %8.1f ms  (min %.1f, max %.1f)%n",
                median(ms[1]), min(ms[1]), max(ms[1]));
        out.printf(Locale.ROOT, "  processor overhead     %8.1f ms  difference of the medians;"
                + " median of the paired differences %.1f ms (target: under 500 ms)%n",
                median(ms[0]) - median(ms[1]), median(paired));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** An argument of a javac argument file: quoted, with backslashes and quotes escaped. */
    private static String quoted(String argument) {
        return '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directories of one compilation, empty at the start. */
    private static final class Output {
        final Path root;
        final Path classes;
        final Path generated;

        private Output(Path root) throws IOException {
            this.root = root;
            this.classes = Files.createDirectories(root.resolve("classes"));
            this.generated = Files.createDirectories(root.resolve("generated"));
        }

        static Output fresh(Path work) throws IOException {
            return new Output(Files.createTempDirectory(work, "run"));
        }
    }

    /** A failure that makes the numbers meaningless: reported in one line, exit status 1. */
    private static final class BenchmarkFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BenchmarkFailure(String message) {
            super(message);
        }
    }

    /** The command line. */
    private static final class Settings {
        int fields = 200;
        int warmup = 5;
        int warmRuns = 15;
        int freshRuns = 7;
        String classpath = System.getProperty("java.class.path");
        String processorPath;
        String javac = Paths.get(System.getProperty("java.home"), "bin", "javac").toString();

        static Settings parse(String[] args) {
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("options come in pairs: --name value");
            }
            Settings s = new Settings();
            for (int i = 0; i < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--fields":
                        s.fields = positive(args[i], value);
                        break;
                    case "--warmup":
                        s.warmup = Integer.parseInt(value);
                        break;
                    case "--warm-runs":
                        s.warmRuns = positive(args[i], value);
                        break;
                    case "--fresh-runs":
                        s.freshRuns = positive(args[i], value);
                        break;
                    case "--classpath":
                        s.classpath = value;
                        break;
                    case "--processor-path":
                        s.processorPath = value;
                        break;
                    case "--javac":
                        s.javac = value;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + args[i] + "; options: --processor-path,"
                                + " --classpath, --fields, --warmup, --warm-runs, --fresh-runs, --javac");
                }
            }
            if (s.processorPath == null) {
                throw new IllegalArgumentException("--processor-path is required: the μP processor's jar,"
                        + " mup-processor/target/mup-processor-0.1.0-SNAPSHOT.jar after mvn package");
            }
            for (String entry : s.processorPath.split(File.pathSeparator)) {
                if (!Files.exists(Paths.get(entry))) {
                    throw new IllegalArgumentException("--processor-path entry " + entry + " does not exist");
                }
            }
            if (!Files.isExecutable(Paths.get(s.javac))) {
                throw new IllegalArgumentException("no javac at " + s.javac + ": pass --javac PATH");
            }
            return s;
        }

        private static int positive(String option, String value) {
            int n = Integer.parseInt(value);
            if (n <= 0) {
                throw new IllegalArgumentException(option + " must be positive, got " + value);
            }
            return n;
        }
    }
}
