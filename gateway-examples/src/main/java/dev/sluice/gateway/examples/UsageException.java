package dev.sluice.gateway.examples;

/**
 * The demo's command line is wrong: an unknown option, a missing or malformed value, or options that
 * contradict each other. The message says what is wrong in terms of the command line (it names the
 * option and quotes the value) and is meant to be shown to the user as it is; the launcher prints it
 * to stderr and exits with {@link DemoLauncher#EXIT_USAGE}.
 *
 * <pre>{@code
 * try {
 *     DemoOptions options = DemoOptions.parse(args);
 * } catch (UsageException e) {
 *     System.err.println(e.getMessage());   // "--port must be a number in 1..65535, was 'http'"
 * }
 * }</pre>
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the option and quoting the value
     */
    public UsageException(String message) {
        super(message);
    }
}
