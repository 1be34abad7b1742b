package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

/** What a test author sees when {@link KafkaClusterExtension} or {@link ForkedKafkaClusterExtension} is misused. */
class ClusterExtensionMisuseTest {

    @Test
    void kafkaClusterExtensionOnAnInstanceFieldFailsEachTestWithAnExplanation() {
        assertEachTestFailsAsNotStarted(KafkaOnInstanceField.class, "KafkaClusterExtension");
    }

    @Test
    void forkedKafkaClusterExtensionOnAnInstanceFieldFailsEachTestWithAnExplanation() {
        assertEachTestFailsAsNotStarted(ForkedKafkaOnInstanceField.class, "ForkedKafkaClusterExtension");
    }

    @Test
    void clusterOutsideTheOwningClassNamesTheExtensionAndHowToRegisterIt() {
        KafkaClusterExtension kafka = KafkaClusterExtension.brokers(1);
        ForkedKafkaClusterExtension forked = ForkedKafkaClusterExtension.brokerIds(1);

        assertThatThrownBy(kafka::cluster)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No Kafka cluster is running: register KafkaClusterExtension on a static field"
                        + " with @RegisterExtension, and use it only while that class runs");
        assertThatThrownBy(forked::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No forked Kafka cluster is running: register ForkedKafkaClusterExtension on a static"
                        + " field with @RegisterExtension, and use it only while that class runs");
        assertThat(kafka).hasToString("KafkaClusterExtension" + KafkaCluster.builder().brokers(1).spec());
        assertThat(forked)
                .hasToString("ForkedKafkaClusterExtension" + ForkedKafkaCluster.builder().brokerIds(1).spec());
    }

    private static void assertEachTestFailsAsNotStarted(Class<?> testClass, String extensionName) {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(testClass))
                .execute()
                .testEvents()
                .assertThatEvents()
                .haveExactly(1, event(test("usesKafka"), finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message(extensionName + " in " + testClass.getName()
                                + " was not started: declare its @RegisterExtension field static"))));
    }

    /** Run only by the tests above; Surefire skips nested classes. */
    static class KafkaOnInstanceField {
        @RegisterExtension
        final KafkaClusterExtension kafka = KafkaClusterExtension.brokers(1);

        @Test
        void usesKafka() {
            kafka.bootstrapServers();
        }
    }

    /** Run only by the tests above; Surefire skips nested classes. */
    static class ForkedKafkaOnInstanceField {
        @RegisterExtension
        final ForkedKafkaClusterExtension kafka = ForkedKafkaClusterExtension.brokerIds(1);

        @Test
        void usesKafka() {
            kafka.bootstrapServers();
        }
    }
}
