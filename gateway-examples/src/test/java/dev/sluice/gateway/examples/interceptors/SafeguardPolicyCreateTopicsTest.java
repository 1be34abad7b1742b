package dev.sluice.gateway.examples.interceptors;

import static dev.sluice.gateway.examples.interceptors.FakeChain.now;
import static dev.sluice.gateway.examples.interceptors.Messages.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeguardPolicyCreateTopicsTest {

    private static final FakeConnection CONNECTION = FakeConnection.of("admin-1", "alice");
    private static final short POLICY_VIOLATION = Errors.POLICY_VIOLATION.code();

    private final SafeguardPolicy teamA = SafeguardPolicy.builder()
            .topicNames(Pattern.compile("team-a\\.[a-z0-9.-]+"))
            .partitions(1, 48)
            .replicationFactor(2, 3)
            .build();

    @ParameterizedTest(name = "CreateTopics v{0}")
    @ValueSource(shorts = {2, 5, 7})
    void topicsWithinTheRulesAreForwardedUnchanged(short version) {
        KafkaRequest request = Messages.createTopics(version, "admin-1", topic("team-a.orders", 12, 3),
                topic("team-a.payments", 1, 2));
        FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::created);

        KafkaResponse response = now(teamA.intercept(chain));

        assertThat(chain.forwarded()).isSameAs(request);
        assertThat(response.body(Api.CREATE_TOPICS).topics()).extracting(CreatableTopicResult::name,
                CreatableTopicResult::errorCode).containsExactly(tuple("team-a.orders", (short) 0),
                tuple("team-a.payments", (short) 0));
    }

    @ParameterizedTest(name = "CreateTopics v{0}")
    @ValueSource(shorts = {2, 5, 7})
    void whenNoTopicPassesTheBrokerIsNotAskedAndEachTopicCarriesItsOwnReason(short version) {
        KafkaRequest request = Messages.createTopics(version, "admin-1", topic("orders", 12, 3),
                topic("team-a.big", 5000, 3), topic("team-a.fragile", 6, 1));
        FakeChain chain = FakeChain.unreachable(request, CONNECTION);

        KafkaResponse response = now(teamA.intercept(chain));

        assertThat(response.apiVersion()).isEqualTo(version);
        assertThat(response.body(Api.CREATE_TOPICS).topics()).extracting(CreatableTopicResult::name,
                CreatableTopicResult::errorCode, CreatableTopicResult::errorMessage).containsExactly(
                tuple("orders", POLICY_VIOLATION, "topic name 'orders' does not match the pattern"
                        + " 'team-a\\.[a-z0-9.-]+' of the gateway's safeguard policy"),
                tuple("team-a.big", POLICY_VIOLATION, "topic 'team-a.big': partition count 5000 is outside"
                        + " 1..48, the range the gateway's safeguard policy allows"),
                tuple("team-a.fragile", POLICY_VIOLATION, "topic 'team-a.fragile': replication factor 1 is"
                        + " outside 2..3, the range the gateway's safeguard policy allows"));
        assertThat(response.body(Api.CREATE_TOPICS).topics()).allSatisfy(result -> {
            assertThat(result.numPartitions()).isEqualTo(-1);
            assertThat(result.replicationFactor()).isEqualTo((short) -1);
        });
    }

    @ParameterizedTest(name = "CreateTopics v{0}")
    @ValueSource(shorts = {2, 5, 7})
    void validTopicsAreCreatedAndRefusedOnesMergedIntoTheBrokersResponse(short version) {
        KafkaRequest request = Messages.createTopics(version, "admin-1", topic("team-a.orders", 12, 3),
                topic("Orders", 12, 3), topic("team-a.payments", 6, 2));
        FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::created);

        KafkaResponse response = now(teamA.intercept(chain));

        assertThat(chain.forwarded()).isNotNull();
        assertThat(chain.forwarded().body(Api.CREATE_TOPICS).topics()).extracting(CreatableTopic::name)
                .containsExactly("team-a.orders", "team-a.payments");
        assertThat(response.body(Api.CREATE_TOPICS).topics()).extracting(CreatableTopicResult::name,
                CreatableTopicResult::errorCode).containsExactly(tuple("team-a.orders", (short) 0),
                tuple("team-a.payments", (short) 0), tuple("Orders", POLICY_VIOLATION));
        if (version >= 7) {
            assertThat(response.body(Api.CREATE_TOPICS).topics().find("team-a.orders").topicId())
                    .isEqualTo(Messages.topicId("team-a.orders"));
        }
    }

    @Test
    void partitionCountsBelowTheMinimumAreRefused() {
        SafeguardPolicy policy = SafeguardPolicy.builder().partitions(3, 12).build();

        assertThat(refusals(policy, topic("t", 2, 1)))
                .containsExactly("topic 't': partition count 2 is outside 3..12, the range the gateway's safeguard"
                        + " policy allows");
        assertThat(refusals(policy, topic("t", 0, 1)))
                .containsExactly("topic 't': partition count 0 is outside 3..12, the range the gateway's safeguard"
                        + " policy allows");
    }

    @Test
    void defaultsAllowAnyNameAndUpTo1000PartitionsAtAnyReplicationFactor() {
        SafeguardPolicy defaults = SafeguardPolicy.builder().build();

        assertThat(refusals(defaults, topic("Anything_goes", 1000, Short.MAX_VALUE))).isEmpty();
        assertThat(refusals(defaults, topic("Anything_goes", 1001, 1)))
                .containsExactly("topic 'Anything_goes': partition count 1001 is outside 1..1000, the range the"
                        + " gateway's safeguard policy allows");
    }

    @Test
    void brokerDefaultsAreAllowedUnlessTheBuilderRefusesThem() {
        SafeguardPolicy strict = SafeguardPolicy.builder().partitions(1, 48).allowBrokerDefaults(false).build();

        assertThat(refusals(teamA, topic("team-a.defaults", -1, -1))).isEmpty();
        assertThat(refusals(strict, topic("defaults", -1, 3))).containsExactly("topic 'defaults': partition count -1"
                + " (the broker default) is refused; the gateway's safeguard policy requires an explicit value in"
                + " 1..48");
        assertThat(refusals(strict, topic("defaults", 6, -1))).containsExactly("topic 'defaults': replication factor"
                + " -1 (the broker default) is refused; the gateway's safeguard policy requires an explicit value in"
                + " 1..32767");
    }

    @Test
    void manualAssignmentsAreCountedAgainstTheBounds() {
        CreatableTopic manual = topic("team-a.manual", -1, -1);
        manual.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0)
                .setBrokerIds(List.of(1, 2)));
        manual.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1)
                .setBrokerIds(List.of(3)));

        assertThat(refusals(teamA, manual)).containsExactly("topic 'team-a.manual': replica count"
                + " 1 of partition 1 is outside 2..3, the range the gateway's safeguard policy allows");
    }

    @Test
    void aNameGivenTwiceIsRefusedInEveryOccurrenceWithOneResult() {
        KafkaRequest request = Messages.createTopics((short) 7, "admin-1", topic("team-a.twice", 6, 3),
                topic("team-a.twice", 6000, 3), topic("team-a.once", 6, 3));
        FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::created);

        KafkaResponse response = now(teamA.intercept(chain));

        assertThat(chain.forwarded().body(Api.CREATE_TOPICS).topics()).extracting(CreatableTopic::name)
                .containsExactly("team-a.once");
        assertThat(response.body(Api.CREATE_TOPICS).topics()).extracting(CreatableTopicResult::name,
                CreatableTopicResult::errorCode).containsExactly(tuple("team-a.once", (short) 0),
                tuple("team-a.twice", POLICY_VIOLATION));
    }

    @ParameterizedTest(name = "CreateTopics v{0}")
    @ValueSource(shorts = {2, 7})
    void createTopicsWithoutClientIdFailsEveryTopic(short version) {
        KafkaRequest request = Messages.createTopics(version, "", topic("team-a.orders", 12, 3),
                topic("team-a.payments", 6, 2));
        FakeChain chain = FakeChain.unreachable(request, CONNECTION);

        KafkaResponse response = now(teamA.intercept(chain));

        assertThat(response.body(Api.CREATE_TOPICS).topics()).extracting(CreatableTopicResult::errorCode,
                CreatableTopicResult::errorMessage).containsOnly(tuple(POLICY_VIOLATION, "CreateTopics requests"
                        + " without a client.id are refused by the gateway's safeguard policy: configure client.id"));
    }

    /** The messages of the topics {@code policy} refuses. */
    private static List<String> refusals(SafeguardPolicy policy, CreatableTopic topic) {
        KafkaRequest request = Messages.createTopics((short) 7, "admin-1", topic);
        FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::created);
        return now(policy.intercept(chain)).body(Api.CREATE_TOPICS).topics().stream()
                .filter(result -> result.errorCode() != 0).map(CreatableTopicResult::errorMessage).toList();
    }
}
