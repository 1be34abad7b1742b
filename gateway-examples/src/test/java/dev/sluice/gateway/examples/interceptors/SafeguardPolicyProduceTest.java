package dev.sluice.gateway.examples.interceptors;

import static dev.sluice.gateway.examples.interceptors.FakeChain.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Produce rules (acks, client id), the spec and the builder; CreateTopics has its own test. */
class SafeguardPolicyProduceTest {

    private static final short ACKS_ALL = -1;
    private static final FakeConnection CONNECTION = FakeConnection.of("billing", "alice");

    private final SafeguardPolicy defaults = SafeguardPolicy.builder().build();

    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {3, 8, 12, 13})
    void produceWithAcksAllPassesUnchanged(short version) {
        KafkaRequest request = Messages.produce(version, ACKS_ALL, "billing", "orders");
        FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::produced);

        KafkaResponse response = now(defaults.intercept(chain));

        assertThat(chain.forwarded()).isSameAs(request);
        assertThat(partitions(response)).extracting(PartitionProduceResponse::errorCode).containsOnly((short) 0);
    }

    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {3, 8, 12, 13})
    void produceWithAcksOneFailsEveryPartitionWithPolicyViolationAndTheReason(short version) {
        KafkaRequest request = Messages.produce(version, (short) 1, "billing", "orders", "payments");
        FakeChain chain = FakeChain.unreachable(request, CONNECTION);

        KafkaResponse response = now(defaults.intercept(chain));

        assertThat(response.apiVersion()).isEqualTo(version);
        assertThat(response.body(Api.PRODUCE).responses()).hasSize(2);
        assertThat(partitions(response)).allSatisfy(partition -> {
            assertThat(partition.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(partition.errorMessage()).isEqualTo(
                    "acks=1 is refused by the gateway's safeguard policy: producers must use acks=all (-1)");
        });
    }

    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {3, 13})
    void produceWithAcksZeroClosesTheConnectionBecauseNoResponseWouldBeRead(short version) {
        FakeChain chain = FakeChain.unreachable(Messages.produce(version, (short) 0, "billing", "orders"), CONNECTION);

        CompletionStage<KafkaResponse> stage = defaults.intercept(chain);

        assertThat(chain.closedBecause()).startsWith("acks=0 is refused");
        assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void acksRuleCanBeTurnedOff() {
        SafeguardPolicy policy = SafeguardPolicy.builder().requireAcksAll(false).build();
        KafkaRequest request = Messages.produce((short) 9, (short) 1, "billing", "orders");
        FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::produced);

        now(policy.intercept(chain));

        assertThat(chain.forwarded()).isSameAs(request);
    }

    @ParameterizedTest(name = "client id \"{0}\"")
    @ValueSource(strings = {"", "  "})
    void produceWithoutClientIdFailsWithPolicyViolation(String clientId) {
        FakeChain chain = FakeChain.unreachable(Messages.produce((short) 9, ACKS_ALL, clientId, "orders"), CONNECTION);

        KafkaResponse response = now(defaults.intercept(chain));

        assertThat(partitions(response)).singleElement().satisfies(partition -> {
            assertThat(partition.errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(partition.errorMessage()).isEqualTo("Produce requests without a client.id are refused by the"
                    + " gateway's safeguard policy: configure client.id");
        });
    }

    @Test
    void produceWithNullClientIdFails() {
        KafkaRequest request = Messages.produce((short) 13, ACKS_ALL, "x", "orders");
        request = KafkaRequest.of(ApiKeys.PRODUCE, request.apiVersion(), null, request.body());
        FakeChain chain = FakeChain.unreachable(request, CONNECTION);

        assertThat(partitions(now(defaults.intercept(chain))))
                .extracting(PartitionProduceResponse::errorCode).containsOnly(Errors.POLICY_VIOLATION.code());
    }

    @Test
    void clientIdRuleUsesTheRequestHeaderNotTheConnectionsLastKnownId() {
        FakeChain chain = FakeChain.unreachable(Messages.produce((short) 9, ACKS_ALL, "", "orders"),
                FakeConnection.of("an-earlier-id", null));

        assertThat(partitions(now(defaults.intercept(chain))))
                .extracting(PartitionProduceResponse::errorCode).containsOnly(Errors.POLICY_VIOLATION.code());
    }

    @Test
    void clientIdRuleCanBeTurnedOff() {
        SafeguardPolicy policy = SafeguardPolicy.builder().requireClientId(false).build();
        KafkaRequest request = Messages.produce((short) 9, ACKS_ALL, "", "orders");
        FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::produced);

        now(policy.intercept(chain));

        assertThat(chain.forwarded()).isSameAs(request);
    }

    @Test
    void clientIdRuleAppliesToOtherApisTheUserRegistersThePolicyOn() {
        JoinGroupRequestData body = new JoinGroupRequestData().setGroupId("g").setProtocolType("consumer");
        FakeChain anonymous = FakeChain.unreachable(KafkaRequest.of(ApiKeys.JOIN_GROUP, (short) 9, "", body),
                CONNECTION);
        KafkaRequest named = KafkaRequest.of(ApiKeys.JOIN_GROUP, (short) 9, "billing", body);
        FakeChain identified = FakeChain.answering(named, CONNECTION, request -> new JoinGroupResponseData());

        assertThat(now(defaults.intercept(anonymous)).body(Api.JOIN_GROUP).errorCode())
                .isEqualTo(Errors.POLICY_VIOLATION.code());
        now(defaults.intercept(identified));
        assertThat(identified.forwarded()).isSameAs(named);
    }

    @Test
    void specRegistersProduceAndCreateTopicsSharedUnderOneName() {
        InterceptorSpec spec = defaults.spec();

        assertThat(spec.name()).isEqualTo("safeguard-policy");
        assertThat(spec.apis()).containsExactlyInAnyOrder(ApiKeys.PRODUCE, ApiKeys.CREATE_TOPICS);
        assertThat(spec.perConnection()).isFalse();
        assertThat(spec.newInstance()).isSameAs(defaults);
    }

    @Test
    void specLeavesProduceAloneWhenNoProduceRuleIsOn() {
        SafeguardPolicy policy = SafeguardPolicy.builder().requireAcksAll(false).requireClientId(false).build();

        assertThat(policy.spec().apis()).containsExactly(ApiKeys.CREATE_TOPICS);
    }

    @Test
    void builderDefaultsAreDocumented() {
        assertThat(defaults).hasToString("SafeguardPolicy[requireAcksAll=true, requireClientId=true,"
                + " topicNames='.*', partitions=1..1000, replicationFactor=1..32767, allowBrokerDefaults=true]");
    }

    @Test
    void builderRefusesASettingGivenTwiceQuotingBothValues() {
        assertThatThrownBy(() -> SafeguardPolicy.builder().partitions(1, 12).partitions(1, 24))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("partitions already set to 1..12, cannot set 1..24");
        assertThatThrownBy(() -> SafeguardPolicy.builder().topicNames(Pattern.compile("a.*"))
                .topicNames(Pattern.compile("b.*")))
                .hasMessage("topicNames already set to 'a.*', cannot set 'b.*'");
        assertThatThrownBy(() -> SafeguardPolicy.builder().requireAcksAll(false).requireAcksAll(true))
                .hasMessage("requireAcksAll already set to false, cannot set true");
    }

    @Test
    void builderRefusesBoundsOutOfRangeQuotingThem() {
        assertThatThrownBy(() -> SafeguardPolicy.builder().partitions(0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions must be 1 <= min <= max, got 0..10");
        assertThatThrownBy(() -> SafeguardPolicy.builder().partitions(10, 9))
                .hasMessage("partitions must be 1 <= min <= max, got 10..9");
        assertThatThrownBy(() -> SafeguardPolicy.builder().replicationFactor(3, 40_000))
                .hasMessage("replicationFactor must be 1 <= min <= max <= 32767, got 3..40000");
    }

    private static java.util.List<PartitionProduceResponse> partitions(KafkaResponse response) {
        return response.body(Api.PRODUCE).responses().stream()
                .flatMap((TopicProduceResponse topic) -> topic.partitionResponses().stream()).toList();
    }
}
