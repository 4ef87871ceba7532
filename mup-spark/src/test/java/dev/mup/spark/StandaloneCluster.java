package dev.mup.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a master and workers of one core each,
 * started as Java processes from a SPARK_HOME whose {@code jars/} the build fills with Spark's
 * jars (maven-dependency-plugin), and stopped, with every executor they launched, by
 * {@link #close()}.
 */
final class StandaloneCluster implements AutoCloseable {

    /** The module options Spark needs on Java 17 (what its launcher adds). */
    static final List<String> MODULE_OPTIONS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private final Path sparkHome;
    private final Path logs;
    private final List<Process> processes = new ArrayList<>();
    private final String masterUrl;
    private final List<Process> workers = new ArrayList<>();

    private StandaloneCluster(Path sparkHome, Path logs, String masterUrl) {
        this.sparkHome = sparkHome;
        this.logs = logs;
        this.masterUrl = masterUrl;
    }

    /**
     * Starts a master and workers, waiting until every worker registered.
     *
     * @param sparkHome a directory with {@code jars/}
     * @param logs where the processes' output goes
     * @param workerCount how many workers, one core and 1 GiB each
     * @return the running cluster
     */
    static StandaloneCluster start(Path sparkHome, Path logs, int workerCount) throws IOException, InterruptedException {
        if (!Files.isDirectory(sparkHome.resolve("jars"))) {
            throw new IllegalStateException(sparkHome.resolve("jars") + " is missing: build with mvn (process-test-classes"
                    + " copies Spark's jars there)");
        }
        // The launcher looks for jars/ beside a RELEASE file, as in a Spark distribution.
        Files.writeString(sparkHome.resolve("RELEASE"), "Spark jars assembled by the mup-spark build for tests\n");
        Files.createDirectories(logs);
        int port = freePort();
        StandaloneCluster cluster = new StandaloneCluster(sparkHome, logs, "spark://127.0.0.1:" + port);
        try {
            Path masterLog = logs.resolve("master.log");
            cluster.processes.add(cluster.launch(masterLog, "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
            waitFor(cluster.processes.get(0), masterLog, "I have been elected leader", 90);
            for (int i = 0; i < workerCount; i++) {
                Path work = logs.resolve("work-" + i);
                Files.createDirectories(work);
                Path log = logs.resolve("worker-" + i + ".log");
                Process worker = cluster.launch(log, "org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--port", String.valueOf(freePort()),
                        "--webui-port", String.valueOf(freePort()), "--cores", "1", "--memory", "1g",
                        "--work-dir", work.toString(), cluster.masterUrl);
                cluster.processes.add(worker);
                cluster.workers.add(worker);
            }
            for (int i = 0; i < workerCount; i++) {
                waitFor(cluster.workers.get(i), logs.resolve("worker-" + i + ".log"),
                        "Successfully registered with master", 90);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private Process launch(Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.addAll(MODULE_OPTIONS);
        command.add("-cp");
        command.add(sparkHome.resolve("jars") + File.separator + "*");
        command.add(mainClass);
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
        pb.environment().put("SPARK_NO_DAEMONIZE", "1");
        // The launcher that builds the executors' command asks for it when it finds no build directories.
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        return pb.start();
    }

    private static void waitFor(Process process, Path log, String line, int seconds)
            throws IOException, InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until && process.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            Thread.sleep(200);
        }
        if (Files.exists(log) && Files.readString(log).contains(line)) {
            return;
        }
        throw new IllegalStateException("no '" + line + "' in " + log + (process.isAlive() ? " after " + seconds + " s"
                : ": the process exited with " + process.exitValue()) + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** The master's URL, {@code spark://127.0.0.1:PORT}. */
    String masterUrl() {
        return masterUrl;
    }

    /** The SPARK_HOME jars, by file name: the executors have them already. */
    Set<String> sparkJars() {
        try (Stream<Path> jars = Files.list(sparkHome.resolve("jars"))) {
            return jars.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A running process that one of the workers launched (an executor), by its pid.
     *
     * @param pid the pid
     * @return its handle, or empty when no worker of this cluster launched a process of that pid
     */
    Optional<ProcessHandle> executor(long pid) {
        return workers.stream().flatMap(Process::descendants).filter(p -> p.pid() == pid).findFirst();
    }

    /** Stops the workers' executors, the workers and the master, and waits until they are gone. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the assertion below
            }
        }
        List<ProcessHandle> alive = all.stream().filter(ProcessHandle::isAlive).toList();
        if (!alive.isEmpty()) {
            throw new IllegalStateException("Spark processes still alive after being killed: " + alive);
        }
    }
}
