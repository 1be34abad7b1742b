package dev.sluice.gateway.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The demo launcher in a child JVM, as a user runs it: {@code java -cp <this JVM's class path>
 * dev.sluice.gateway.examples.DemoLauncher ARGS}. Its stdout is collected line by line, for tests to
 * wait on; its stderr (the logs) goes to a file whose tail failure messages quote.
 *
 * <p>{@link #close()} kills the process if it still runs and waits for it: use try-with-resources or
 * an {@code @AfterEach}, so that no JVM outlives the test.
 */
final class DemoProcess implements AutoCloseable {

    /** A small heap and quick startup: the children share two cores with the test JVM and each other. */
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx512m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private DemoProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::readStdout, "demo-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the launcher with {@code args}; its logs go to {@code logDirectory/<name>.log}. */
    static DemoProcess start(String name, Path logDirectory, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DemoLauncher.class.getName());
        command.addAll(List.of(args));
        Path log = logDirectory.resolve(name + ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            return new DemoProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process was killed: its stdout ends here.
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }

    /**
     * Waits until a stdout line from {@code fromIndex} on matches, and returns its index.
     *
     * @throws AssertionError after {@code timeout}, or when the process exits first, with its stdout
     *     and the tail of its log
     */
    int awaitLine(int fromIndex, Predicate<String> matching, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            for (int i = fromIndex; ; i++) {
                while (i >= lines.size()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (!reader.isAlive() && i >= lines.size())) {
                        throw new AssertionError(name + ": " + (left <= 0 ? "timed out after " + timeout : "exited")
                                + " waiting for " + what + "; stdout " + lines + ", log tail:\n" + logTail());
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
                if (matching.test(lines.get(i))) {
                    return i;
                }
            }
        }
    }

    /** The stdout line at {@code index}. */
    String line(int index) {
        synchronized (lines) {
            return lines.get(index);
        }
    }

    /** Kills the process as a crash would (SIGKILL): no shutdown hook, no LeaveGroup. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Asks the process to stop (SIGTERM) and returns its exit code, or fails after {@code timeout}. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not stop within " + timeout + "; log tail:\n" + logTail());
        }
        return process.exitValue();
    }

    /** The last lines of the process's log, for failure messages. */
    String logTail() {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "DemoProcess[" + name + ", pid " + process.pid() + "]";
    }
}
