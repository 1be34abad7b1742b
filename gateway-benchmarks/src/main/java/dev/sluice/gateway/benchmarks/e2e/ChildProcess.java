package dev.sluice.gateway.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the harness (the gateway's JVM, a load JVM, HAProxy) whose output lines are
 * collected, so that the harness can wait for a line and quote the last ones when something fails.
 * {@link #close()} destroys this one process (by its handle, never by name) and waits for it.
 */
final class ChildProcess implements AutoCloseable {

    private static final int KEPT_LINES = 4000;

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private final boolean stopsAtEndOfInput;

    private ChildProcess(String name, Process process, boolean stopsAtEndOfInput) {
        this.name = name;
        this.process = process;
        this.stopsAtEndOfInput = stopsAtEndOfInput;
        this.reader = new Thread(this::readOutput, name + "-output");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Starts {@code command}; a JVM of the harness's own class path when {@code command} starts with
     * {@link #java}. {@code _JAVA_OPTIONS} (set by e2e.sh for the broker's JVMs) is removed. With
     * {@code stopsAtEndOfInput}, {@link #close()} first closes its input and gives it 10 s to exit on
     * its own; otherwise it sends {@code SIGTERM} at once.
     */
    static ChildProcess start(String name, List<String> command, Path workDir, boolean stopsAtEndOfInput) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("_JAVA_OPTIONS");
        try {
            return new ChildProcess(name, builder.start(), stopsAtEndOfInput);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + ": " + command, e);
        }
    }

    /** {@code java -cp <this JVM's class path>}, to which the caller adds options and a main class. */
    static List<String> java(String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(entry.isEmpty() ? entry : new File(entry).getAbsolutePath()); // children run elsewhere
        }
        command.add(String.join(File.pathSeparator, entries));
        return command;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    if (lines.size() > KEPT_LINES) {
                        lines.remove(0);
                    }
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone; its exit code tells the rest
        }
    }

    /** Returns the first output line starting with {@code prefix}, waiting up to {@code timeout}. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new IllegalStateException(name + " printed no line starting with '" + prefix + "' within "
                            + timeout + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
                            + "; last output:\n" + tail());
                }
                lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** Waits for the process to exit with 0 and returns its output lines. */
    List<String> awaitSuccess(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IllegalStateException(name + " did not finish within " + timeout + "; last output:\n" + tail());
        }
        reader.join(5_000);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited " + process.exitValue() + "; last output:\n" + tail());
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String tail() {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // GatewayMain stops at the end of its input
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!process.waitFor(stopsAtEndOfInput ? 10 : 0, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + "]";
    }
}
