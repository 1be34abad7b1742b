package dev.sluice.gateway.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's command line: {@code java -jar gateway-examples-demo.jar [OPTIONS]}; see {@link
 * DemoOptions#usage()} for the options.
 *
 * <p>Lifecycle: parse the options, {@linkplain Demo#run run} the demo (which prints the READY line),
 * wait for SIGINT or SIGTERM, {@linkplain Demo#close() close} the demo, exit. A first signal asks for
 * a clean stop; one received while the demo is still starting takes effect once it has started (or
 * failed to). A second signal exits at once with the JVM's usual status (128 + signal number),
 * without finishing the shutdown. A shutdown hook closes the demo on every other way out (SIGHUP,
 * or signals this JVM does not let the launcher handle).
 *
 * <p>Exit codes: {@value #EXIT_OK} after a clean stop or {@code --help}; {@value #EXIT_FAILED} when
 * the demo could not start or did not stop cleanly; {@value #EXIT_USAGE} for a bad command line.
 * Only {@link #main} exits the JVM.
 */
public final class DemoLauncher {

    /** Stopped cleanly, or printed help. */
    public static final int EXIT_OK = 0;
    /** Could not start, or did not stop cleanly. */
    public static final int EXIT_FAILED = 1;
    /** Bad command line. */
    public static final int EXIT_USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(DemoLauncher.class);
    private static final String NAME = "sluice-demo";

    private DemoLauncher() {}

    /**
     * Runs the demo and exits the JVM with its exit code. Everything but the READY line and the help
     * text goes to stderr: {@code System.out} is pointed there, because Kafka's storage formatter
     * prints to it while the embedded cluster starts.
     */
    public static void main(String[] args) {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        int code;
        try {
            code = launch(args, stdout, System.err);
        } catch (RuntimeException | Error e) {
            // Exit even so: the embedded brokers' threads would keep the JVM alive.
            e.printStackTrace();
            code = EXIT_FAILED;
        }
        System.exit(code);
    }

    /**
     * Runs the demo until a stop signal and returns the exit code; returns at once for {@code --help}
     * (usage on {@code out}) and for a bad command line (the problem on {@code err}).
     */
    static int launch(String[] args, PrintStream out, PrintStream err) {
        Objects.requireNonNull(args, "args");
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (UsageException e) {
            err.println(NAME + ": " + e.getMessage());
            err.println("Run with --help to see every option.");
            err.flush();
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.print(DemoOptions.usage());
            out.flush();
            return EXIT_OK;
        }

        CompletableFuture<String> stopRequested = new CompletableFuture<>();
        AtomicBoolean serving = new AtomicBoolean();
        StopSignals.install(List.of("INT", "TERM"), (signal, number) -> {
            if (stopRequested.complete(signal)) {
                LOG.info(serving.get()
                        ? "SIG{} received: stopping (send it again to exit at once)"
                        : "SIG{} received while starting: stopping once the gateway has started or given up"
                                + " (send it again to exit at once)", signal);
            } else {
                LOG.warn("SIG{} received again: exiting without finishing the shutdown", signal);
                Runtime.getRuntime().halt(128 + number);
            }
        });

        Demo demo;
        try {
            demo = Demo.run(options, out);
        } catch (RuntimeException e) {
            LOG.debug("Startup failure", e);
            err.println(NAME + ": could not start: " + describe(e));
            err.flush();
            return EXIT_FAILED;
        }
        serving.set(true);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, NAME + "-shutdown-hook"));
        if (!stopRequested.isDone()) {
            LOG.info("Serving until stopped with Ctrl-C or SIGTERM");
        }
        stopRequested.join();
        try {
            demo.close();
            return EXIT_OK;
        } catch (RuntimeException e) {
            LOG.debug("Shutdown failure", e);
            err.println(NAME + ": did not stop cleanly: " + describe(e));
            err.flush();
            return EXIT_FAILED;
        }
    }

    /** The message of a failure and of each of its causes, for one line on stderr. */
    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.getMessage() == null ? failure.toString() : failure.getMessage());
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && text.indexOf(message) < 0) {
                text.append(": ").append(message);
            }
        }
        return text.toString();
    }
}
