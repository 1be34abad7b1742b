package dev.sluice.gateway.testkit.intercept;

import static dev.sluice.gateway.testkit.intercept.Requests.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import java.util.Map;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Interceptors that answer the request themselves: respond, fail, or close the connection. */
class ShortCircuitTest {

    /** Refuses acks other than all (-1), as a policy would. */
    private static final Interceptor REQUIRE_ACKS_ALL = chain -> chain.request().body(Api.PRODUCE).acks() == -1
            ? chain.proceed()
            : chain.fail(Errors.POLICY_VIOLATION, "acks must be all");

    @Test
    void respondAnswersTheClientWithoutReachingTheBroker() {
        CreateTopicsResponseData answer = new CreateTopicsResponseData();
        answer.topics().add(new CreateTopicsResponseData.CreatableTopicResult().setName("dry-run").setNumPartitions(3));
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.CREATE_TOPICS)
                        .use(chain -> chain.respond(answer)))
                .upstream(request -> {
                    throw new AssertionError("the broker must not be asked");
                })
                .build();

        Exchange exchange = tester.send(Requests.createTopic("dry-run"));

        assertThat(exchange.forwarded()).isEmpty();
        assertThat(exchange.response().body(Api.CREATE_TOPICS).topics()).singleElement()
                .extracting(CreateTopicsResponseData.CreatableTopicResult::numPartitions).isEqualTo(3);
    }

    @ParameterizedTest(name = "Produce v{0}")
    @MethodSource("everyProduceVersion")
    void failGivesTheClientTheProduceErrorResponseOfItsVersion(short version) {
        InterceptorTester tester = InterceptorTester.of(
                InterceptorSpec.on(Api.PRODUCE).name("acks-policy").use(REQUIRE_ACKS_ALL));

        Exchange exchange = tester.send(produce(version, "orders", (short) 1));

        assertThat(exchange.forwarded()).isEmpty();
        assertThat(exchange.response().apiVersion()).isEqualTo(version);
        assertThat(exchange.errorCounts()).isEqualTo(Map.of(Errors.POLICY_VIOLATION, 2));
        ProduceResponseData response = exchange.response().body(Api.PRODUCE);
        assertThat(response.responses()).singleElement().satisfies(topic -> {
            if (version < 13) {
                assertThat(topic.name()).isEqualTo("orders");
            } else {
                assertThat(topic.topicId()).isEqualTo(Requests.TOPIC_ID);
            }
            assertThat(topic.partitionResponses()).extracting(ProduceResponseData.PartitionProduceResponse::index)
                    .containsExactlyInAnyOrder(0, 1);
            assertThat(topic.partitionResponses()).allSatisfy(partition -> assertThat(partition.errorMessage())
                    .isEqualTo(version >= 8 ? "acks must be all" : null));
        });
        assertThat(tester.failures()).as("a refusal is not a failure").isEmpty();
    }

    static short[] everyProduceVersion() {
        short[] versions = new short[ApiKeys.PRODUCE.latestVersion(true) - ApiKeys.PRODUCE.oldestVersion() + 1];
        for (int i = 0; i < versions.length; i++) {
            versions[i] = (short) (ApiKeys.PRODUCE.oldestVersion() + i);
        }
        return versions;
    }

    @Test
    void failedPolicyLetsConformingRequestsThrough() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).use(REQUIRE_ACKS_ALL));

        Exchange exchange = tester.send(produce("orders", (short) -1));

        assertThat(exchange.forwarded()).isPresent();
        assertThat(exchange.error()).isEqualTo(Errors.NONE);
    }

    @Test
    void closeConnectionLeavesTheRequestUnansweredAndTheConnectionClosed() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE)
                .use(chain -> chain.closeConnection("tenant suspended")));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.connectionClosed()).hasValue("tenant suspended");
        assertThat(exchange.isComplete()).isTrue();
        assertThat(exchange.forwarded()).isEmpty();
        assertThat(tester.connection().closeReason()).hasValue("tenant suspended");
        assertThatThrownBy(exchange::response).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed the connection (tenant suspended)");
        assertThat(tester.failures()).isEmpty();
    }

    @Test
    void closedConnectionTakesNoMoreRequests() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE)
                .use(chain -> chain.closeConnection("bye")));
        tester.send(produce("orders", (short) 1));

        assertThatThrownBy(() -> tester.send(produce("orders", (short) 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThat(tester.newConnection().isClosed()).isFalse();
    }

    @Test
    void closeConnectionAfterTheBrokersAnswerAlsoLeavesTheRequestUnanswered() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE)
                .use(chain -> chain.proceed().thenCompose(response -> chain.closeConnection("quota exhausted"))));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.forwarded()).isPresent();
        assertThat(exchange.connectionClosed()).hasValue("quota exhausted");
    }
}
