package dev.sluice.gateway.examples.interceptors;

import static dev.sluice.gateway.examples.interceptors.FakeChain.now;
import static dev.sluice.gateway.examples.interceptors.Messages.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditInterceptorTest {

    private static final Instant NOW = Instant.parse("2026-01-05T10:15:30.120Z");
    private static final FakeConnection ALICE = FakeConnection.of("admin-1", "alice");

    private final List<AuditEvent> events = new ArrayList<>();
    private final AuditInterceptor audit = AuditInterceptor.builder().sink(events::add)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .apis(Api.CREATE_TOPICS, Api.PRODUCE, Api.METADATA, Api.DELETE_GROUPS).build();

    @Test
    void oneEventSaysWhoWhatWhichTopicsHowItEndedAndHowLong() {
        KafkaRequest request = Messages.createTopics((short) 7, "admin-1", topic("orders", 6, 3),
                topic("payments", 6, 3));
        FakeChain chain = FakeChain.answering(request, ALICE, forwarded -> {
            CreateTopicsResponseData created = Messages.created(forwarded);
            created.topics().find("payments").setErrorCode(Errors.TOPIC_ALREADY_EXISTS.code());
            return created;
        });

        now(audit.intercept(chain));

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.time()).isEqualTo(NOW);
            assertThat(event.gateway()).isEqualTo("gw-test");
            assertThat(event.connectionId()).isEqualTo(7);
            assertThat(event.remoteAddress()).isEqualTo(FakeConnection.REMOTE);
            assertThat(event.clientId()).isEqualTo("admin-1");
            assertThat(event.principal()).isEqualTo("alice");
            assertThat(event.api()).isEqualTo(ApiKeys.CREATE_TOPICS);
            assertThat(event.apiVersion()).isEqualTo((short) 7);
            assertThat(event.topics()).containsExactly("orders", "payments");
            assertThat(event.unresolvedTopicIds()).isEmpty();
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.RESPONDED);
            assertThat(event.errors()).isEqualTo(Map.of(Errors.TOPIC_ALREADY_EXISTS, 1));
            assertThat(event.errorCount()).isEqualTo(1);
            assertThat(event.succeeded()).isFalse();
            assertThat(event.latency()).isGreaterThanOrEqualTo(Duration.ZERO);
        });
    }

    @Test
    void theResponseReachesTheClientUnchanged() {
        KafkaRequest request = Messages.createTopics((short) 7, "admin-1", topic("orders", 6, 3));
        CreateTopicsResponseData answer = new CreateTopicsResponseData();
        FakeChain chain = FakeChain.answering(request, ALICE, forwarded -> answer);

        KafkaResponse response = now(audit.intercept(chain));

        assertThat(chain.forwarded()).isSameAs(request);
        assertThat(response.body()).isSameAs(answer);
    }

    @Test
    void latencyRunsUntilTheResponseComesBack() {
        KafkaRequest request = Messages.createTopics((short) 7, "admin-1", topic("orders", 6, 3));
        CompletableFuture<KafkaResponse> broker = new CompletableFuture<>();
        FakeChain chain = new FakeChain(request, ALICE, forwarded -> broker);

        CompletableFuture<KafkaResponse> stage = audit.intercept(chain).toCompletableFuture();

        assertThat(events).as("no event before the response").isEmpty();
        broker.complete(KafkaResponse.of(ApiKeys.CREATE_TOPICS, (short) 7, Messages.created(request)));
        assertThat(stage).isCompleted();
        assertThat(events).singleElement().satisfies(event -> assertThat(event.succeeded()).isTrue());
    }

    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {3, 9, 13})
    void errorsAreCountedOverEveryPartition(short version) {
        KafkaRequest request = Messages.produce(version, (short) -1, "billing", "orders", "payments", "refunds");
        FakeChain chain = FakeChain.answering(request, ALICE, forwarded -> {
            ProduceResponseData produced = Messages.produced(forwarded);
            List<ProduceResponseData.TopicProduceResponse> topics = new ArrayList<>(produced.responses());
            topics.get(0).partitionResponses().get(0).setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
            topics.get(1).partitionResponses().get(0).setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
            topics.get(2).partitionResponses().get(0).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            return produced;
        });

        now(audit.intercept(chain));

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.errors()).isEqualTo(Map.of(Errors.NOT_LEADER_OR_FOLLOWER, 2,
                    Errors.TOPIC_AUTHORIZATION_FAILED, 1));
            assertThat(event.errorCount()).isEqualTo(3);
        });
    }

    @Test
    void errorsOfApisWithoutAWrapperAreCountedThroughKafkaClients() {
        KafkaRequest request = KafkaRequest.of(ApiKeys.DELETE_GROUPS, (short) 2, "admin-1",
                new DeleteGroupsRequestData().setGroupsNames(List.of("g1", "g2")));
        FakeChain chain = FakeChain.answering(request, ALICE, forwarded -> {
            DeleteGroupsResponseData deleted = new DeleteGroupsResponseData();
            deleted.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId("g1"));
            deleted.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId("g2")
                    .setErrorCode(Errors.NON_EMPTY_GROUP.code()));
            return deleted;
        });

        now(audit.intercept(chain));

        assertThat(events).singleElement().satisfies(event ->
                assertThat(event.errors()).isEqualTo(Map.of(Errors.NON_EMPTY_GROUP, 1)));
    }

    @Test
    void topicIdsSeenInMetadataNameTheTopicsOfLaterRequests() {
        MetadataRequestData ask = new MetadataRequestData();
        ask.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("orders"));
        KafkaRequest metadata = KafkaRequest.of(ApiKeys.METADATA, (short) 12, "billing", ask);
        now(audit.intercept(FakeChain.answering(metadata, ALICE, forwarded -> {
            MetadataResponseData answer = new MetadataResponseData();
            answer.topics().add(new MetadataResponseData.MetadataResponseTopic().setName("orders")
                    .setTopicId(Messages.topicId("orders")));
            return answer;
        })));
        KafkaRequest produce = Messages.produce((short) 13, (short) -1, "billing", "orders", "unseen");

        now(audit.intercept(FakeChain.answering(produce, ALICE, Messages::produced)));

        assertThat(events.get(1).topics()).containsExactly("orders");
        assertThat(events.get(1).unresolvedTopicIds()).containsExactly(Messages.topicId("unseen").toString());
    }

    @Test
    void aRequestWithoutResponseIsRecordedAndItsFailurePassedOn() {
        KafkaRequest request = Messages.createTopics((short) 7, "admin-1", topic("orders", 6, 3));
        UncheckedIOException closed = new UncheckedIOException(new java.io.IOException("upstream closed"));
        FakeChain chain = new FakeChain(request, ALICE, forwarded -> CompletableFuture.failedFuture(closed));

        CompletableFuture<KafkaResponse> stage = audit.intercept(chain).toCompletableFuture();

        assertThat(stage).isCompletedExceptionally();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.NO_RESPONSE);
            assertThat(event.errors()).isEmpty();
            assertThat(event.succeeded()).isFalse();
        });
    }

    @Test
    void aFailingSinkLosesTheEventButNotTheResponse() {
        AuditInterceptor broken = AuditInterceptor.builder().sink(event -> {
            throw new IllegalStateException("disk full");
        }).build();
        KafkaRequest request = Messages.createTopics((short) 7, "admin-1", topic("orders", 6, 3));
        CreateTopicsResponseData answer = Messages.created(request);

        KafkaResponse response = now(broken.intercept(FakeChain.answering(request, ALICE, forwarded -> answer)));

        assertThat(response.body()).isSameAs(answer);
    }

    @Test
    void principalIsTheSaslUserElseTheTlsSubjectElseNull() {
        KafkaRequest request = Messages.createTopics((short) 7, "admin-1", topic("orders", 6, 3));
        FakeConnection tls = new FakeConnection("admin-1", null, "CN=admin,O=example", new HashMap<>());
        FakeConnection anonymous = FakeConnection.of(null, null);

        now(audit.intercept(FakeChain.answering(request, tls, Messages::created)));
        now(audit.intercept(FakeChain.answering(request, anonymous, Messages::created)));

        assertThat(events).extracting(AuditEvent::principal).containsExactly("CN=admin,O=example", null);
    }

    @Test
    void specRegistersTheAdminApisByDefault() {
        assertThat(AuditInterceptor.builder().build().spec().apis()).containsExactlyInAnyOrder(
                ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.CREATE_PARTITIONS, ApiKeys.DELETE_RECORDS,
                ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiKeys.DELETE_GROUPS,
                ApiKeys.OFFSET_DELETE, ApiKeys.CREATE_ACLS, ApiKeys.DELETE_ACLS,
                ApiKeys.ALTER_PARTITION_REASSIGNMENTS, ApiKeys.ELECT_LEADERS, ApiKeys.ALTER_CLIENT_QUOTAS,
                ApiKeys.ALTER_USER_SCRAM_CREDENTIALS);
        assertThat(audit.spec().apis()).containsExactlyInAnyOrder(ApiKeys.CREATE_TOPICS, ApiKeys.PRODUCE,
                ApiKeys.METADATA, ApiKeys.DELETE_GROUPS);
        assertThat(audit.spec().name()).isEqualTo("audit");
    }

    @Test
    void builderFailsFastQuotingValues() {
        assertThatThrownBy(() -> AuditInterceptor.builder().apis(Api.FETCH).apis(Api.PRODUCE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("apis already set to [Fetch], cannot set [Produce]");
        assertThatThrownBy(() -> AuditInterceptor.builder().apis(List.of()))
                .hasMessage("apis must name at least one API");
        assertThatThrownBy(() -> AuditInterceptor.builder().apis(Api.FETCH, Api.FETCH))
                .hasMessage("apis must not repeat an API, got [Fetch, Fetch]");
        assertThatThrownBy(() -> AuditInterceptor.builder().sink(AuditSink.slf4j()).sink(AuditSink.slf4j()))
                .hasMessage("sink already set to AuditSink.slf4j(), cannot set AuditSink.slf4j()");
    }

    @Test
    void eventsRefuseNoneAsAnError() {
        assertThatThrownBy(() -> new AuditEvent(NOW, "gw", 1, FakeConnection.REMOTE, null, null, ApiKeys.PRODUCE,
                (short) 9, List.of(), List.of(), AuditEvent.Outcome.RESPONDED, Map.of(Errors.NONE, 3), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("errors must not count NONE, got {NONE=3}");
    }
}
