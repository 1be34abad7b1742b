package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/** What a test author sees when a forked cluster cannot start or is registered wrongly. */
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

    @Test
    void extensionOnAnInstanceFieldFailsEachTestWithAnExplanation() {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(InstanceFieldRegistration.class))
                .execute()
                .testEvents()
                .assertThatEvents()
                .haveExactly(1, event(test("usesKafka"), finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.endsWith("was not started: declare its @RegisterExtension field static")))));
    }

    private static List<String> liveNodes() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(command -> command.contains(ForkedJvm.NODE_MARKER))
                .toList();
    }

    /** Run only by the test above; Surefire skips nested classes. */
    static class InstanceFieldRegistration {
        @RegisterExtension
        final ForkedKafkaClusterExtension kafka = ForkedKafkaClusterExtension.brokerIds(1);

        @Test
        void usesKafka() {
            kafka.bootstrapServers();
        }
    }
}
