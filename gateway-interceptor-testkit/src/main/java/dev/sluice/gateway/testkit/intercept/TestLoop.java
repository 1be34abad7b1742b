package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.internal.intercept.InterceptorChain;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The tester's event loop and virtual clock: the thread that built the tester plays the event loop.
 *
 * <p>A task handed to {@link #execute} on that thread runs at once, as the gateway runs a task handed
 * to its event loop from inside; a task from any other thread (an interceptor's own executor
 * completing a stage) waits in a queue until the next tester call, or {@link #await}, runs it. A task
 * handed to {@link #later} (a broker's answer) runs after the work in progress, before the tester call
 * returns, as a response read from the network is a later event-loop task. Timeouts scheduled through
 * {@link #schedule} run when {@link #advance} moves the virtual clock past them.
 *
 * <p>Problems found while running (a broker script that threw, a request that cannot be encoded) are
 * kept and thrown from the outermost tester call in progress, so they fail the test instead of
 * leaving an exchange silently pending.
 */
final class TestLoop implements Executor, InterceptorChain.Timer {

    private final Thread owner = Thread.currentThread();
    private final BlockingQueue<Runnable> fromOtherThreads = new LinkedBlockingQueue<>();
    private final ArrayDeque<Runnable> later = new ArrayDeque<>();
    private final PriorityQueue<Scheduled> timers = new PriorityQueue<>();
    private final List<RuntimeException> problems = new ArrayList<>();
    private long nowNanos;
    private long sequence;
    private int depth;

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == owner) {
            task.run();
        } else {
            fromOtherThreads.add(task);
        }
    }

    @Override
    public Runnable schedule(Runnable task, long nanos) {
        Scheduled scheduled = new Scheduled(nowNanos + Math.max(0, nanos), sequence++, task);
        timers.add(scheduled);
        return () -> timers.remove(scheduled);
    }

    /** Runs {@code action} as a tester call on the loop thread: tasks from other threads before and after. */
    <T> T call(Supplier<T> action) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("an InterceptorTester is confined to the thread that built it ("
                    + owner.getName() + "), like a connection to its event loop; called from "
                    + Thread.currentThread().getName());
        }
        depth++;
        T result;
        try {
            runPendingTasks();
            result = action.get();
            runPendingTasks();
        } finally {
            depth--;
        }
        if (depth == 0 && !problems.isEmpty()) {
            RuntimeException first = problems.remove(0);
            problems.forEach(first::addSuppressed);
            problems.clear();
            throw first;
        }
        return result;
    }

    void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }

    /** Runs {@code task} after the work in progress, within the current tester call (or the next one). */
    void later(Runnable task) {
        later.add(task);
    }

    /** Keeps {@code problem} to throw from the outermost tester call. */
    void problem(RuntimeException problem) {
        problems.add(problem);
    }

    /** Moves the virtual clock forward, running every timer that falls due, in order. */
    void advance(Duration duration) {
        long target = nowNanos + duration.toNanos();
        run(() -> {
            Scheduled next;
            while ((next = timers.peek()) != null && next.dueNanos <= target) {
                timers.poll();
                nowNanos = next.dueNanos;
                next.task.run();
                runPendingTasks();
            }
            nowNanos = target;
        });
    }

    long nowNanos() {
        return nowNanos;
    }

    /** Runs tasks from other threads as they arrive until {@code done} holds; false if {@code timeout} passes first. */
    boolean await(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        return call(() -> {
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Runnable task;
                try {
                    task = fromOtherThreads.poll(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while awaiting a response", e);
                }
                if (task != null) {
                    task.run();
                }
                runPendingTasks();
            }
            return true;
        });
    }

    private void runPendingTasks() {
        @Nullable Runnable task;
        while ((task = later.poll()) != null || (task = fromOtherThreads.poll()) != null) {
            task.run();
        }
    }

    private record Scheduled(long dueNanos, long sequence, Runnable task) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled other) {
            int byTime = Long.compare(dueNanos, other.dueNanos);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
