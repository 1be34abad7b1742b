package dev.sluice.gateway.routing;

import static dev.sluice.gateway.routing.SniRoutingTest.brokers;
import static dev.sluice.gateway.routing.SniRoutingTest.routing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SniRoutingConcurrencyTest {

    private static final int READERS = 4;
    private static final int PLANS = 5_000;

    /**
     * Broker 100 is in every plan, so every reader must always route and advertise it, while the other
     * brokers come and go; a churning broker is either absent or routed to itself, never to another.
     */
    @Test
    void readersAlwaysSeeAStableBrokerWhileOtherBrokersChurn() throws Exception {
        SniRouting routing = routing().build();
        routing.plan(brokers(100));
        HostPort stable = routing.advertisedAddress(100);
        ListenerSpec stableRoute = ListenerSpec.broker(9443, 100);
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
                        if (!stable.equals(routing.advertisedAddress(100))) {
                            failures.add("broker 100 advertised as " + routing.advertisedAddress(100));
                        }
                        ListenerSpec route = routing.routeServerName("broker-100.gw.example.com", 9443);
                        if (!stableRoute.equals(route)) {
                            failures.add("broker 100 routed to " + route);
                        }
                        int churningId = 200 + (int) (reads % 8);
                        ListenerSpec churning = routing.routeServerName(routing.brokerHost(churningId), 9443);
                        if (churning != null && !churning.equals(ListenerSpec.broker(9443, churningId))) {
                            failures.add("broker " + churningId + " routed to " + churning);
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
