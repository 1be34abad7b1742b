package dev.sluice.gateway;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the tests' only way to wait. */
final class Eventually {

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private Eventually() {}

    static void until(Duration timeout, Supplier<String> what, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + timeout + " waiting for " + what.get());
                if (last != null) {
                    error.addSuppressed(last);
                }
                throw error;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
        }
    }
}
