package dev.sluice.gateway.routing;

import static dev.sluice.gateway.routing.PortPerBrokerRoutingTest.brokers;
import static dev.sluice.gateway.routing.PortPerBrokerRoutingTest.routing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.HostPort;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PortPerBrokerRoutingConcurrencyTest {

    private static final int READERS = 4;
    private static final int PLANS = 5_000;

    /**
     * Broker 100 is in every plan, so every reader must always find it at its first port, while the
     * other brokers churn and their ports are freed and reused.
     */
    @Test
    void readersAlwaysSeeAStableBrokerWhileOtherBrokersChurn() throws Exception {
        PortPerBrokerRouting routing = routing().maxBrokers(4).build();
        routing.plan(brokers(100));
        HostPort stable = routing.advertisedAddress(100);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean planning = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            Future<?>[] readers = new Future<?>[READERS];
            for (int r = 0; r < READERS; r++) {
                readers[r] = pool.submit(() -> {
                    start.await();
                    long reads = 0;
                    while (planning.get() || reads < 1_000) {
                        HostPort seen = routing.advertisedAddress(100);
                        if (!stable.equals(seen)) {
                            failures.add("broker 100 at " + seen);
                        }
                        HostPort churning = routing.advertisedAddress(200 + (int) (reads % 8));
                        if (churning != null && (churning.port() < 9094 || churning.port() > 9096)) {
                            failures.add("churning broker at " + churning);
                        }
                        reads++;
                    }
                    return reads;
                });
            }
            start.countDown();
            for (int i = 0; i < PLANS; i++) {
                routing.plan(brokers(100, 200 + i % 8, 200 + (i + 3) % 8));
            }
            planning.set(false);
            for (Future<?> reader : readers) {
                reader.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(failures).isEmpty();
    }
}
