package dev.sluice.gateway.testkit;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-wide sink for Netty leak reports, and the means to make Netty look for leaks now.
 *
 * <p>Netty finds a leak only when a tracked object has been garbage collected <em>and</em> its
 * detector next polls its reference queue, which it does when it tracks a new object. {@link
 * #detect()} does both on purpose: it runs the collector until a sentinel weak reference is
 * cleared (a signal, not a guess at a duration), then has every known detector track and release a
 * probe object, which makes it drain its queue. No buffer allocator is needed for that.
 *
 * <p>Thread-safe: detectors report from whichever thread allocates.
 */
final class LeakCollector {
    private static final Duration GC_TIMEOUT = Duration.ofSeconds(10);
    private static final int GC_ROUNDS = 2;

    private static final LeakCollector GLOBAL = installGlobal();

    private final Queue<LeakReport> reports = new ConcurrentLinkedQueue<>();
    private final List<ResourceLeakDetector<?>> detectors = new CopyOnWriteArrayList<>();
    private final Set<String> watchedTypes = ConcurrentHashMap.newKeySet();
    private volatile @Nullable String setupProblem;

    LeakCollector() {}

    /** The collector behind the installed factory. Installs it on first use. */
    static LeakCollector global() {
        return GLOBAL;
    }

    private static LeakCollector installGlobal() {
        LeakCollector collector = new LeakCollector();
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new CollectingLeakDetectorFactory(collector));
        collector.adoptByteBufDetector();
        return collector;
    }

    void record(LeakReport report) {
        reports.add(Objects.requireNonNull(report, "report"));
    }

    void watch(String resourceType, ResourceLeakDetector<?> detector) {
        watchedTypes.add(resourceType);
        detectors.add(detector);
    }

    /** A reason leak detection cannot work in this JVM, or null if it can. */
    @Nullable String setupProblem() {
        return setupProblem;
    }

    /** Forces collection and polling, then returns and forgets every report gathered so far. */
    List<LeakReport> detect() {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.DISABLED) {
            for (int round = 0; round < GC_ROUNDS; round++) {
                collectGarbage();
                pollDetectors();
            }
        }
        return drain();
    }

    /** Returns and forgets the reports gathered so far, without forcing detection. */
    List<LeakReport> drain() {
        List<LeakReport> drained = new ArrayList<>();
        for (LeakReport report = reports.poll(); report != null; report = reports.poll()) {
            drained.add(report);
        }
        return drained;
    }

    @SuppressWarnings("unchecked")
    private void pollDetectors() {
        for (ResourceLeakDetector<?> detector : detectors) {
            Object probe = new Object();
            ResourceLeakTracker<Object> tracker = ((ResourceLeakDetector<Object>) detector).trackForcibly(probe);
            tracker.close(probe);
            Reference.reachabilityFence(probe);
        }
    }

    private void collectGarbage() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        long deadline = System.nanoTime() + GC_TIMEOUT.toNanos();
        try {
            do {
                System.gc();
                if (queue.remove(100) != null) {
                    return;
                }
            } while (System.nanoTime() - deadline < 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while forcing garbage collection for leak detection", e);
        } finally {
            Reference.reachabilityFence(sentinel);
        }
        throw new IllegalStateException("System.gc() collected nothing within " + GC_TIMEOUT.toSeconds()
                + " s, so Netty cannot detect leaks; is -XX:+DisableExplicitGC set?");
    }

    /**
     * {@code AbstractByteBuf} creates its detector in a static initialiser. If that ran before our
     * factory was installed, the detector is Netty's own; it still supports a leak listener, which is
     * public, but only reflection can reach it.
     */
    private void adoptByteBufDetector() {
        Class<?> abstractByteBuf;
        try {
            abstractByteBuf = Class.forName("io.netty.buffer.AbstractByteBuf", true, LeakCollector.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return; // netty-buffer is not on the classpath: no ByteBufs to leak
        }
        if (watchedTypes.contains("ByteBuf")) {
            return; // created through our factory
        }
        try {
            Field field = abstractByteBuf.getDeclaredField("leakDetector");
            field.setAccessible(true);
            ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
            detector.setLeakListener((type, records) -> record(new LeakReport(type, records)));
            watch("ByteBuf", detector);
        } catch (ReflectiveOperationException | RuntimeException e) {
            setupProblem = "Netty's ByteBuf leak detector was created before NettyLeakDetection installed its "
                    + "factory, and it could not be adopted (" + e + "). Make sure nothing allocates a ByteBuf "
                    + "before JUnit loads its extensions.";
        }
    }
}
