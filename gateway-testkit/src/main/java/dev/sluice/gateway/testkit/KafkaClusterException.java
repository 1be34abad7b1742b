package dev.sluice.gateway.testkit;

/**
 * A {@link KafkaCluster} or {@link ForkedKafkaCluster} could not do what was asked of it: the
 * brokers failed to start or stop, a topic could not be created, or a wait for the brokers to agree
 * ran past its deadline. For a forked cluster the message quotes the last lines the nodes concerned
 * wrote.
 *
 * <p>Misuse of the fixture (starting it twice, asking a stopped cluster for its address, naming a
 * broker that does not exist) is reported with {@link IllegalStateException} or {@link
 * IllegalArgumentException} instead; this type is for failures of the brokers themselves. The cause,
 * where there is one, is the exception Kafka threw.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.builder().brokers(1).build().start()) {
 *     kafka.createTopic("orders", 3, 1);
 * } catch (KafkaClusterException e) {
 *     // the broker, not the test, is at fault: e.getCause() says why
 * }
 * }</pre>
 */
public final class KafkaClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message and the cause Kafka reported.
     *
     * @param message what was being done, with the values involved
     * @param cause what went wrong underneath
     */
    public KafkaClusterException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates an exception with a message only, for deadlines that passed without an underlying
     * error.
     *
     * @param message what was being waited for, and for how long
     */
    public KafkaClusterException(String message) {
        super(message);
    }
}
