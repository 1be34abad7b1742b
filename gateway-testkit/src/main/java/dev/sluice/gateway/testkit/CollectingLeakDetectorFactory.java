package dev.sluice.gateway.testkit;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.Objects;

/**
 * Creates leak detectors that report every leak to a {@link LeakCollector}, in addition to
 * Netty's usual error log. Netty asks the installed factory once per tracked type, usually from a
 * static initialiser ({@code AbstractByteBuf.leakDetector}), so only detectors created after
 * installation are of this kind.
 */
final class CollectingLeakDetectorFactory extends ResourceLeakDetectorFactory {
    private final LeakCollector collector;

    CollectingLeakDetectorFactory(LeakCollector collector) {
        this.collector = Objects.requireNonNull(collector, "collector");
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
        ResourceLeakDetector<T> detector = new CollectingLeakDetector<>(resource, samplingInterval, collector);
        collector.watch(resource.getSimpleName(), detector);
        return detector;
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
            Class<T> resource, int samplingInterval, long maxActive) {
        return newResourceLeakDetector(resource, samplingInterval);
    }

    /**
     * A detector that always reports (Netty's skips reporting, and forgets the leak, when its
     * logger has ERROR disabled) and copies each report to the collector.
     */
    private static final class CollectingLeakDetector<T> extends ResourceLeakDetector<T> {
        private final LeakCollector collector;

        CollectingLeakDetector(Class<T> resource, int samplingInterval, LeakCollector collector) {
            super(resource, samplingInterval);
            this.collector = collector;
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            super.reportTracedLeak(resourceType, records);
            collector.record(new LeakReport(resourceType, records));
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            super.reportUntracedLeak(resourceType);
            collector.record(new LeakReport(resourceType, ""));
        }
    }
}
