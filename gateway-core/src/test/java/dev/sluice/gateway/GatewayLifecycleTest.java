package dev.sluice.gateway;

import dev.sluice.gateway.testkit.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Start, drain and stop under the host's control; nothing left running afterwards. */
class GatewayLifecycleTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    @Test
    void startFailsWithAClearErrorWhenTheUpstreamIsUnreachableAndReleasesEverything() {
        int port = FreePorts.block(4);
        Gateway gateway = Gateway.builder()
                .name("unreachable-gw")
                .upstream("127.0.0.1:1")
                .bindAddress("127.0.0.1")
                .startupTimeout(Duration.ofMillis(800))
                .upstreamConnectTimeout(Duration.ofMillis(200))
                .routing(PortPerBrokerRouting.builder().advertisedHost("127.0.0.1").bootstrapPort(port).build())
                .build();
        assertThatThrownBy(() -> gateway.start().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GatewayException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageContaining("not reachable");
        assertThat(gateway.openListeners()).isEmpty();
        Eventually.until(Duration.ofSeconds(10), () -> "gateway threads to stop", () -> threadsNamed("unreachable-gw") == 0);
    }

    @Test
    void startFailsNamingThePortWhenAListenerCannotBeBound() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Gateway gateway = Gateway.builder()
                    .name("port-taken-gw")
                    .upstream(KAFKA.bootstrapServers())
                    .bindAddress("127.0.0.1")
                    .routing(PortPerBrokerRouting.builder().advertisedHost("127.0.0.1")
                            .bootstrapPort(taken.getLocalPort()).firstBrokerPort(FreePorts.block(4)).build())
                    .build();
            assertThatThrownBy(() -> gateway.start().toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(GatewayException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (bootstrap)");
            Eventually.until(Duration.ofSeconds(10), () -> "gateway threads to stop", () -> threadsNamed("port-taken-gw") == 0);
        }
    }

    @Test
    void aGatewayStartsOnce() {
        try (GatewayHarness harness = GatewayHarness.start(KAFKA.cluster())) {
            assertThatThrownBy(() -> harness.gateway.start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("starts once");
        }
    }

    @Test
    void shutdownClosesListenersAtOnceWaitsForClientsWithinTheDrainTimeoutThenStopsItsThreads() throws Exception {
        GatewayHarness harness = GatewayHarness.start(KAFKA.cluster(), b -> b.name("draining-gw"));
        Socket client = new Socket(GatewayHarness.ADVERTISED_HOST, harness.bootstrapPort);
        Eventually.until(Duration.ofSeconds(5), () -> "the client connection to be accepted",
                () -> harness.gateway.openConnections() == 1);

        var stopped = harness.gateway.shutdown(Duration.ofSeconds(30)).toCompletableFuture();
        Eventually.until(Duration.ofSeconds(5), () -> "listeners to close", () -> harness.gateway.openListeners().isEmpty());
        Eventually.until(Duration.ofSeconds(5), () -> "new connections to be refused", () -> refused(harness.bootstrapPort));
        assertThat(stopped).as("still draining the open connection").isNotDone();

        client.close();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(harness.gateway.shutdown(Duration.ZERO)).as("idempotent").isSameAs(harness.gateway.shutdown(Duration.ZERO));
        Eventually.until(Duration.ofSeconds(10), () -> "gateway threads to stop", () -> threadsNamed("draining-gw") == 0);
    }

    @Test
    void shutdownClosesConnectionsStillOpenAfterTheDrainTimeout() throws Exception {
        GatewayHarness harness = GatewayHarness.start(KAFKA.cluster());
        try (Socket client = new Socket(GatewayHarness.ADVERTISED_HOST, harness.bootstrapPort)) {
            Eventually.until(Duration.ofSeconds(5), () -> "the client connection to be accepted",
                    () -> harness.gateway.openConnections() == 1);
            harness.gateway.shutdown(Duration.ofMillis(100)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            client.setSoTimeout(5_000);
            assertThat(client.getInputStream().read()).as("closed by the gateway").isEqualTo(-1);
        }
    }

    @Test
    void theBuilderRejectsMissingAndConflictingSettingsWithMessagesThatQuoteThem() {
        assertThatThrownBy(() -> Gateway.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("upstream");
        assertThatThrownBy(() -> Gateway.builder().upstream("kafka:9092").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("routing");
        assertThatThrownBy(() -> Gateway.builder().upstream("kafka"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'kafka'");
        assertThatThrownBy(() -> Gateway.builder().maxFrameBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
        assertThatThrownBy(() -> Gateway.builder().upstream("kafka:9092")
                .routing(PortPerBrokerRouting.builder().advertisedHost("gw").bootstrapPort(9092).build())
                .maxFrameBytes(1024).maxFrameBytesBeforeAuthentication(4096).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("4096").hasMessageContaining("1024");
        assertThatThrownBy(() -> Gateway.builder().writeBufferWaterMarks(10, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10").hasMessageContaining("5");
        assertThat(new CompletionException(new GatewayException("x"))).hasCauseInstanceOf(GatewayException.class);
    }

    private static boolean refused(int port) throws Exception {
        try (Socket probe = new Socket(GatewayHarness.ADVERTISED_HOST, port)) {
            return false;
        } catch (ConnectException expected) {
            return true;
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
