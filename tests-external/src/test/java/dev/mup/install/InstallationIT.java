package dev.mup.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's Installation path, taken as a user takes it: a project that lives outside this
 * build ({@code tests-external/user-project}: a model and a task of its own), whose {@code pom.xml}
 * is made here from the README's Installation block, is built with Maven against only the
 * artifacts of this build (staged by {@code invoker:install}; every other repository is this
 * build's local repository on disk, so nothing is downloaded), then run.
 *
 * <p>The pom is the block verbatim inside {@code <project>}, after the user project's coordinates
 * and a harness parent that pins only the versions of Maven's lifecycle plugins
 * ({@code tests-external/user-project-parent}); if the block stops working, this test fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallationIT {

    private static final long TIMEOUT_MINUTES = 10;

    private static Path project;
    private static String classpath;
    private static Result commands;

    @BeforeAll
    static void buildAndRunUserProject() throws IOException, InterruptedException {
        Path work = Path.of(property("mup.workDir"));
        deleteRecursively(work);
        project = work.resolve("user-project");
        Files.createDirectories(project);
        copyRecursively(Path.of(property("mup.userProject")).resolve("src"), project.resolve("src"));
        Path parent = work.resolve("user-project-parent");
        Files.createDirectories(parent);
        Files.copy(Path.of(property("mup.userProjectParent")), parent.resolve("pom.xml"));

        String readme = Files.readString(Path.of(property("mup.readme")));
        Files.writeString(project.resolve("pom.xml"), userPom(installationBlock(readme, "xml")));

        // `mvn` as the README's commands call it, with this build's repositories
        String settings = readResource("/settings.xml")
                .replace("@REAL_REPOSITORY@", Path.of(property("mup.localRepository")).toUri().toString());
        Path settingsFile = work.resolve("settings.xml");
        Files.writeString(settingsFile, settings);
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nexec '" + Path.of(property("mup.mavenHome"), "bin", "mvn")
                + "' -s '" + settingsFile + "' -Dmaven.repo.local='" + property("mup.itRepository") + "' \"$@\"\n");
        mvn.toFile().setExecutable(true);

        // the README's commands, verbatim, traced (set -x) so that each command's output can be told apart
        Path script = work.resolve("readme-commands.sh");
        Files.writeString(script, installationBlock(readme, "bash"));
        commands = run(project, List.of("bash", "-e", "-o", "pipefail", "-x", script.toString()),
                bin + java.io.File.pathSeparator + System.getenv("PATH"));
        classpath = project.resolve("target/classes") + java.io.File.pathSeparator
                + (Files.exists(project.resolve("target/classpath.txt"))
                        ? Files.readString(project.resolve("target/classpath.txt")).strip() : "");
    }

    @Test
    @Order(0)
    void readmeCommandsSucceed() {
        assertEquals(0, commands.exit, () -> "the README's commands failed on the user project:\n" + commands.tail());
        assertTrue(
                Files.exists(project.resolve(
                        "target/generated-sources/annotations/com/example/classifier/ClassifierMuP.java")),
                "the processor generated no ClassifierMuP");
    }

    @Test
    @Order(1)
    void noTestLibraryReachesTheUsersClasspath() {
        for (String jar : classpath.split(java.io.File.pathSeparator)) {
            assertTrue(!jar.contains("/org/junit/") && !jar.contains("/org/opentest4j/"),
                    "a test library reaches the user's classpath: " + jar);
        }
    }

    @Test
    @Order(3)
    void parametrizationListsTheUsersModel() {
        String out = outputOf("mup parametrization");
        for (String parameter : List.of("embed.weight", "hidden1.weight", "hidden2.weight", "head.weight")) {
            assertTrue(out.contains(parameter), () -> "no " + parameter + " in:\n" + out);
        }
    }

    @Test
    @Order(4)
    void coordinateCheckIsFlatUnderMuPAndNotUnderSp() {
        String mup = outputOf("mup coord-check --task $TASK --widths");
        assertTrue(mup.contains("Verdict: FLAT."), () -> "μP coordinate check not FLAT:\n" + mup);
        String sp = outputOf("mup coord-check --task $TASK --param sp");
        assertTrue(sp.contains("Verdict: NOT FLAT"), () -> "SP coordinate check not NOT FLAT:\n" + sp);
    }

    @Test
    @Order(5)
    void sweepReportAndTransferRun() throws IOException {
        String sweep = outputOf("mup sweep");
        assertTrue(sweep.contains("12 trials (0 diverged)"), () -> "sweep:\n" + sweep);
        String reportOut = outputOf("mup report");
        assertTrue(reportOut.contains("Sweep of com.example.classifier.ClassifierTask"), reportOut);
        String report = Files.readString(project.resolve("target/report.json"));
        assertEquals(4, com.google.gson.JsonParser.parseString(report).getAsJsonObject().getAsJsonArray("optima").size(),
                () -> "an optimum per parametrization and width: " + report);
        String transfer = Files.readString(project.resolve("target/transfer.json"));
        assertTrue(transfer.contains("\"task\": \"com.example.classifier.ClassifierTask\""), transfer);
        assertEquals(2, transfer.split("\"targetValidationLoss\"", -1).length - 1,
                () -> "μP and SP verified at the target width: " + transfer);
        assertTrue(!transfer.contains("\"targetDiverged\": true"), transfer);
    }

    @Test
    @Order(1)
    void blockImportsThisBuildsBom() throws IOException {
        String block = installationBlock(Files.readString(Path.of(property("mup.readme"))), "xml");
        Matcher bom = Pattern.compile(
                        "<artifactId>mup-bom</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(block);
        assertTrue(bom.find(), "the README's Installation block imports no mup-bom");
        assertEquals(property("mup.version"), bom.group(1),
                "the README's Installation block imports another version of mup-bom than this build's");
    }

    @Test
    @Order(2)
    void plainTrainingRunsOfflineAndLogs() throws IOException, InterruptedException {
        Result train = java("com.example.classifier.TrainOnce");
        assertEquals(0, train.exit, () -> "TrainOnce failed:\n" + train.tail());
        Matcher losses = Pattern.compile("first loss ([0-9.]+), last loss ([0-9.]+)").matcher(train.output);
        assertTrue(losses.find(), () -> "no losses printed:\n" + train.tail());
        float first = Float.parseFloat(losses.group(1));
        float last = Float.parseFloat(losses.group(2));
        assertTrue(last < first / 2, "the classifier did not learn: first " + first + ", last " + last);
        // the SLF4J binding of the block prints DJL's log
        assertTrue(train.output.contains("INFO ai.djl"), () -> "no DJL log line:\n" + train.tail());
    }

    @Test
    @Order(3)
    void publishedModulesHaveSourcesAndJavadocJars() throws IOException {
        for (String module : List.of("mup-annotations", "mup-processor", "mup-runtime", "mup-workflow", "mup-cli")) {
            Path target = Path.of(property("mup.root"), module, "target");
            String prefix = module + "-" + property("mup.version");
            assertJarHolds(target.resolve(prefix + "-sources.jar"), ".java");
            assertJarHolds(target.resolve(prefix + "-javadoc.jar"), "index.html");
        }
    }

    private static void assertJarHolds(Path jar, String suffix) throws IOException {
        assertTrue(Files.exists(jar), jar + " was not built");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertTrue(zip.stream().anyMatch(entry -> entry.getName().endsWith(suffix)),
                    jar + " holds no " + suffix);
        }
    }

    // ---------------------------------------------------------------------------------------

    /**
     * The output of the README command whose traced line ({@code + mup ...}) starts with
     * {@code start}: everything up to the next top-level command.
     */
    private static String outputOf(String start) {
        String traced = "+ " + start.replace("$TASK", "com.example.classifier.ClassifierTask");
        String[] lines = commands.output.split("\n");
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("+ ") && !line.startsWith("+ java ")) { // a top-level command, not mup()'s body
                in = line.startsWith(traced);
            }
            if (in) {
                out.append(line).append('\n');
            }
        }
        assertTrue(out.length() > 0, () -> "the README's commands ran no '" + start + "':\n" + commands.tail());
        return out.toString();
    }

    /** Runs a class of the user project with its Maven runtime classpath, offline. */
    private static Result java(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dai.djl.offline=true");
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(List.of(args));
        return run(project, command, System.getenv("PATH"));
    }

    /**
     * The first code block in a language ({@code xml}, {@code bash}) of the README's
     * "Installation" section.
     *
     * @throws AssertionError when there is none
     */
    static String installationBlock(String readme, String language) {
        int section = readme.indexOf("\n## Installation\n");
        assertTrue(section >= 0, "README.md has no '## Installation' section");
        int next = readme.indexOf("\n## ", section + 1);
        String text = readme.substring(section, next < 0 ? readme.length() : next);
        String fence = "```" + language + "\n";
        int start = text.indexOf(fence);
        assertTrue(start >= 0, "the Installation section has no " + fence.strip() + " block");
        int end = text.indexOf("\n```", start);
        return text.substring(start + fence.length(), end + 1);
    }

    /** The user project's pom: coordinates, the harness parent, then the README's block verbatim. */
    static String userPom(String block) {
        StringBuilder pom = new StringBuilder();
        pom.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<!-- Made by InstallationIT: the README's Installation block inside a project. -->\n")
                .append("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"\n")
                .append("         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n")
                .append("         xsi:schemaLocation=\"http://maven.apache.org/POM/4.0.0"
                        + " https://maven.apache.org/xsd/maven-4.0.0.xsd\">\n")
                .append("  <modelVersion>4.0.0</modelVersion>\n")
                .append("  <parent>\n")
                .append("    <groupId>com.example</groupId>\n")
                .append("    <artifactId>user-project-parent</artifactId>\n")
                .append("    <version>1</version>\n")
                .append("    <relativePath>../user-project-parent/pom.xml</relativePath>\n")
                .append("  </parent>\n")
                .append("  <groupId>com.example</groupId>\n")
                .append("  <artifactId>classifier</artifactId>\n")
                .append("  <version>1.0</version>\n\n");
        block.lines().forEach(line -> pom.append(line.isEmpty() ? "" : "  ").append(line).append('\n'));
        return pom.append("</project>\n").toString();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            fail("system property " + name + " is not set (run through Maven: mvn verify)");
        }
        return value;
    }

    private static String readResource(String name) throws IOException {
        try (InputStream in = InstallationIT.class.getResourceAsStream(name)) {
            if (in == null) {
                fail("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A finished process: exit status and its stdout and stderr together. */
    record Result(int exit, String output) {
        String tail() {
            return output.length() <= 6000 ? output : "..." + output.substring(output.length() - 6000);
        }
    }

    static Result run(Path directory, List<String> command, String path) throws IOException, InterruptedException {
        Path log = Files.createTempFile(directory.getParent(), "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator + path);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in " + TIMEOUT_MINUTES + " minutes");
        }
        String output = Files.readString(log);
        System.out.println("$ " + String.join(" ", command) + "\n" + output);
        return new Result(process.exitValue(), output);
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted((a, b) -> b.compareTo(a))::iterator) {
                Files.delete(path);
            }
        }
    }
}
