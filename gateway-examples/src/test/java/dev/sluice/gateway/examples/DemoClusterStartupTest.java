package dev.sluice.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.KafkaCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A cluster node that cannot join its membership does not start, says why, and frees its ports. */
class DemoClusterStartupTest {

    @Test
    void aSessionTimeoutTheBrokersRefuseFailsTheStartWithTheReasonAndPrintsNothing() throws Exception {
        int port = FreePorts.block(2);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        // Kafka's default group.min.session.timeout.ms is 6 s: 1 s is refused.
        try (KafkaCluster kafka = KafkaCluster.builder().brokers(1).build().start()) {
            DemoOptions options = DemoOptions.parse("--bootstrap", kafka.bootstrapServers(), "--port",
                    Integer.toString(port), "--max-brokers", "1", "--bind-address", "127.0.0.1",
                    "--cluster-id", "c1", "--node-id", "n1", "--membership-session-timeout", "1s");

            assertThatThrownBy(() -> Demo.run(options, new PrintStream(stdout, true, StandardCharsets.UTF_8)))
                    .isInstanceOf(GatewayException.class)
                    .hasMessageContaining("could not join its membership");
        }

        assertThat(stdout.size()).as("READY or MEMBERS printed by the failed demo").isZero();
        try (ServerSocket rebound = new ServerSocket()) {
            rebound.setReuseAddress(true);
            rebound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }
}
