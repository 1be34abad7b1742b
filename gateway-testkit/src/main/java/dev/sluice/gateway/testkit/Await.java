package dev.sluice.gateway.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes. The pause between polls is a poll
 * interval, not a guess at how long something takes: the deadline is what bounds the wait.
 */
final class Await {
    private static final long POLL_INTERVAL_MILLIS = 10;

    private Await() {}

    /**
     * Returns once {@code condition} is true.
     *
     * @throws KafkaClusterException if it is still false after {@code timeout}, naming {@code what}
     */
    static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new KafkaClusterException(
                        "Timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            try {
                Thread.sleep(POLL_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaClusterException("Interrupted while waiting for " + what.get(), e);
            }
        }
    }
}
