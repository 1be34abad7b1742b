package dev.sluice.gateway.testkit;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.jspecify.annotations.Nullable;

/**
 * The JUnit lifecycle that {@link KafkaClusterExtension} and {@link ForkedKafkaClusterExtension}
 * share: one cluster per test class, started before all its tests and closed after the class that
 * started it; {@code @Nested} classes share it; a second class running at the same time is refused;
 * an extension on an instance field fails each test with a message saying so.
 *
 * <p>The subclass passes in its validated settings and how to start and close a cluster from them,
 * and offers the running cluster under its own public, typed {@code cluster()}. Package-private on
 * purpose: one level of sharing behind two final public classes, not an API to extend. Messages
 * name the public extension a user registered, by its simple class name.
 *
 * <p>Threading: the callbacks and {@link #runningCluster()} are serialised on the extension
 * instance.
 *
 * <p>The callbacks are not {@code final} on purpose: for a non-final public method inherited from a
 * package-private class, javac puts a public bridge into each public subclass, so the callbacks are
 * declared on the public extensions too, where reflection and tools look for them.
 *
 * @param <S> the settings a cluster is started from; its {@code toString()} describes the extension
 * @param <C> the cluster type
 */
abstract class PerClassClusterExtension<S, C> implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private final S spec;
    private final String clusterName;
    private final Function<S, C> start;
    private final Consumer<C> close;
    private @Nullable C cluster;
    private @Nullable String ownerId;

    /**
     * Creates the lifecycle for one extension instance; nothing starts until {@link #beforeAll}.
     *
     * @param spec the settings every cluster of this extension is started from
     * @param clusterName what a missing cluster is called in messages, such as {@code "Kafka cluster"}
     * @param start builds and starts a fresh cluster from {@code spec}; called once per owning test class
     * @param close closes a cluster that {@code start} returned
     */
    PerClassClusterExtension(S spec, String clusterName, Function<S, C> start, Consumer<C> close) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
        this.start = Objects.requireNonNull(start, "start");
        this.close = Objects.requireNonNull(close, "close");
    }

    /**
     * Returns the running cluster.
     *
     * @throws IllegalStateException outside the test class the extension is registered on
     */
    final synchronized C runningCluster() {
        C running = cluster;
        if (running == null) {
            throw new IllegalStateException("No " + clusterName + " is running: register " + extensionName()
                    + " on a static field with @RegisterExtension, and use it only while that class runs");
        }
        return running;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (cluster != null) {
            if (isWithin(context, Objects.requireNonNull(ownerId))) {
                return; // a @Nested class: share the enclosing class's cluster
            }
            throw new ExtensionConfigurationException(extensionName() + " is already running a cluster for "
                    + ownerId + " and cannot serve " + context.getUniqueId()
                    + " at the same time; give each concurrently running class its own extension");
        }
        cluster = start.apply(spec);
        ownerId = context.getUniqueId();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (this) {
            if (cluster != null) {
                return;
            }
        }
        throw new ExtensionConfigurationException(extensionName() + " in "
                + context.getRequiredTestClass().getName()
                + " was not started: declare its @RegisterExtension field static");
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        C closing = cluster;
        if (closing == null || !context.getUniqueId().equals(ownerId)) {
            return;
        }
        cluster = null;
        ownerId = null;
        close.accept(closing);
    }

    @Override
    public String toString() {
        return extensionName() + spec;
    }

    private String extensionName() {
        return getClass().getSimpleName();
    }

    private static boolean isWithin(ExtensionContext context, String ancestorId) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getUniqueId().equals(ancestorId)) {
                return true;
            }
        }
        return false;
    }
}
