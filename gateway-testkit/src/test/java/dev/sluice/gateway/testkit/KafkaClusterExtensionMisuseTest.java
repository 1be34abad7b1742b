package dev.sluice.gateway.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

class KafkaClusterExtensionMisuseTest {

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

    /** Run only by the test above; Surefire skips nested classes. */
    static class InstanceFieldRegistration {
        @RegisterExtension
        final KafkaClusterExtension kafka = KafkaClusterExtension.brokers(1);

        @Test
        void usesKafka() {
            kafka.bootstrapServers();
        }
    }
}
