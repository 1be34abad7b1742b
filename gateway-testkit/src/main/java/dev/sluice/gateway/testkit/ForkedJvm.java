package dev.sluice.gateway.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a {@link ForkedKafkaCluster} launches a child JVM: the parent's own {@code java} binary and
 * class path, a small heap, and one log level whichever SLF4J binding the class path brings.
 *
 * <p>{@link #writeFiles} puts everything a node's command line refers to into the node's own
 * directory, so that a node that deletes its directory (see {@link ForkedNodeMain}) leaves nothing
 * shared behind.
 *
 * @param java the {@code java} executable
 * @param classPath the parent's class path, every entry absolute
 * @param logLevel the root log level: ERROR, WARN, INFO, DEBUG or TRACE
 */
record ForkedJvm(String java, String classPath, String logLevel) {

    /**
     * Options for every node, chosen by the CPU time four nodes (3 brokers and a controller, JDK 17,
     * two busy cores) took to start: C1 only (with C2: 20 to 23 s of CPU instead of 13 to 16 s) and
     * no verification of the class path's bytecode (a further 15 to 35 % less: Kafka and Scala are
     * thousands of classes from jars the build already trusts). The verification switch is a
     * diagnostic flag; {@code IgnoreUnrecognizedVMOptions} keeps a JDK without it starting. A small
     * initial heap and the serial collector keep each node near 140 MB resident. {@code
     * -XX:-UsePerfData} keeps killed JVMs from leaving {@code hsperfdata} files behind.
     */
    static final List<String> JVM_OPTIONS = List.of(
            "-Xmx512m",
            "-Xms64m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:+IgnoreUnrecognizedVMOptions",
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:-BytecodeVerificationRemote",
            "-XX:-UsePerfData",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true");

    /** The system property that marks a node's command line: {@code pgrep -f sluice.testkit.node} finds them all. */
    static final String NODE_MARKER = "sluice.testkit.node";

    private static final String CLASS_PATH_FILE = "classpath.args";
    private static final String LOG4J2_FILE = "log4j2.properties";
    private static final String LOGBACK_FILE = "logback.xml";

    /** This JVM's binary and class path. */
    static ForkedJvm ofThisJvm(String logLevel) {
        String classPath = absolute(System.getProperty("java.class.path", ""));
        if (classPath.isBlank()) {
            throw new KafkaClusterException("java.class.path is empty, so a forked broker would find no Kafka "
                    + "classes; ForkedKafkaCluster needs kafka_2.13 and gateway-testkit on the class path");
        }
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ForkedJvm(java, classPath, logLevel);
    }

    /** The nodes run in their own directories: a relative class path entry would point nowhere. */
    private static String absolute(String classPath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(new File(entry).getAbsolutePath());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Writes the class path ({@code java @argfile}: a class path can be longer than an operating
     * system allows for one argument) and the log4j2 and logback configurations into {@code nodeDir}.
     */
    void writeFiles(Path nodeDir) throws IOException {
        Files.writeString(nodeDir.resolve(CLASS_PATH_FILE),
                "-cp\n\"" + classPath.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n", StandardCharsets.UTF_8);
        Files.writeString(nodeDir.resolve(LOG4J2_FILE), """
                status = warn
                appender.out.type = Console
                appender.out.name = OUT
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c - %m%n
                rootLogger.level = @LEVEL@
                rootLogger.appenderRef.out.ref = OUT
                """.replace("@LEVEL@", logLevel), StandardCharsets.UTF_8);
        Files.writeString(nodeDir.resolve(LOGBACK_FILE), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n</pattern></encoder>
                  </appender>
                  <root level="@LEVEL@"><appender-ref ref="OUT"/></root>
                </configuration>
                """.replace("@LEVEL@", logLevel), StandardCharsets.UTF_8);
    }

    /** The command line that runs {@link ForkedNodeMain} with {@code mainArgs}, using the files in {@code nodeDir}. */
    List<String> command(String nodeName, Path nodeDir, List<String> mainArgs) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("@" + nodeDir.resolve(CLASS_PATH_FILE));
        command.addAll(JVM_OPTIONS);
        command.add("-D" + NODE_MARKER + "=" + nodeName);
        // Native libraries (zstd, snappy) unpack here; a killed JVM cannot delete them, the cluster's close() does.
        command.add("-Djava.io.tmpdir=" + nodeDir.resolve("tmp"));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + logLevel.toLowerCase(Locale.ROOT));
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
        command.add("-Dlog4j2.configurationFile=" + nodeDir.resolve(LOG4J2_FILE));
        command.add("-Dlogback.configurationFile=" + nodeDir.resolve(LOGBACK_FILE));
        command.add(ForkedNodeMain.class.getName());
        command.addAll(mainArgs);
        return command;
    }
}
