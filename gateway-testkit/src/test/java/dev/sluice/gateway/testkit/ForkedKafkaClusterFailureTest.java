package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a test author sees when a forked cluster cannot start. Misregistration: {@link ClusterExtensionMisuseTest}. */
class ForkedKafkaClusterFailureTest {

    @Test
    void nodeThatCannotStartFailsStartWithItsOutputAndLeavesNoProcess() {
        ForkedKafkaCluster cluster = ForkedKafkaCluster.builder()
                .brokerIds(5)
                .brokerProperty("log.retention.ms", "forever")
                .startTimeout(Duration.ofSeconds(60))
                .build();

        assertThatThrownBy(cluster::start)
                .isInstanceOf(KafkaClusterException.class)
                .hasMessageContaining("exited with status")
                .hasMessageContaining("---- last ")
                .hasMessageContaining("Invalid value forever for configuration log.retention.ms");

        assertThat(liveNodes()).as("child JVMs still alive after a failed start").isEmpty();
        cluster.close(); // closed already: does nothing
    }

    private static List<String> liveNodes() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(command -> command.contains(ForkedJvm.NODE_MARKER))
                .toList();
    }
}
