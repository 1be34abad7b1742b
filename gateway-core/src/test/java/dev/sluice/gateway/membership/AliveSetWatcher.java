package dev.sluice.gateway.membership;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.MembershipListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A listener that records every alive set it hears and lets a test wait, on those notifications,
 * until the latest set has the expected node ids.
 */
final class AliveSetWatcher implements MembershipListener {

    private final List<Set<GatewayNode>> calls = new ArrayList<>();

    @Override
    public synchronized void membersChanged(Set<GatewayNode> alive) {
        calls.add(alive);
        notifyAll();
    }

    synchronized List<Set<GatewayNode>> calls() {
        return List.copyOf(calls);
    }

    /** Waits until the latest set heard is {@code expected}; returns how long that took. */
    Duration awaitLatest(Set<GatewayNode> expected, Duration timeout) {
        return awaitIds(expected, timeout, true);
    }

    /** Waits until the latest set heard has exactly the node ids {@code ids}; returns how long that took. */
    Duration awaitIds(Set<String> ids, Duration timeout) {
        return awaitIds(ids, timeout, false);
    }

    private synchronized Duration awaitIds(Set<?> expected, Duration timeout, boolean whole) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            Set<GatewayNode> latest = calls.isEmpty() ? null : calls.get(calls.size() - 1);
            if (latest != null && (whole ? latest.equals(expected) : ids(latest).equals(expected))) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + expected
                        + "; heard " + calls);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    static Set<String> ids(Set<GatewayNode> nodes) {
        Set<String> ids = new TreeSet<>();
        nodes.forEach(n -> ids.add(n.nodeId()));
        return ids;
    }
}
