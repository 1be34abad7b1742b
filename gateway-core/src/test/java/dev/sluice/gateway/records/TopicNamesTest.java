package dev.sluice.gateway.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopicCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    private static final Uuid ORDERS = Uuid.fromString("T3JkZXJzT3JkZXJzT3JkZQ");
    private static final Uuid ORDERS_RECREATED = Uuid.fromString("T3JkZXJzQWdhaW5BZ2Fpbg");
    private static final Uuid PAYMENTS = Uuid.fromString("UGF5bWVudHNQYXltZW50cw");

    private final TopicNames names = new TopicNames();

    private static MetadataResponseData metadata(MetadataResponseTopic... topics) {
        MetadataResponseTopicCollection collection = new MetadataResponseTopicCollection();
        for (MetadataResponseTopic topic : topics) {
            collection.add(topic);
        }
        return new MetadataResponseData().setTopics(collection);
    }

    private static MetadataResponseTopic topic(String name, Uuid id, Errors error) {
        return new MetadataResponseTopic().setName(name).setTopicId(id).setErrorCode(error.code());
    }

    @Test
    void learnsBothDirectionsFromMetadataResponses() {
        names.learn(metadata(topic("orders", ORDERS, Errors.NONE), topic("payments", PAYMENTS, Errors.NONE)));

        assertThat(names.name(ORDERS)).isEqualTo("orders");
        assertThat(names.id("payments")).isEqualTo(PAYMENTS);
        assertThat(names.size()).isEqualTo(2);
    }

    @Test
    void responsesWithoutTopicIdsTeachNothing() {
        names.learn(metadata(topic("orders", Uuid.ZERO_UUID, Errors.NONE)));

        assertThat(names.id("orders")).isNull();
        assertThat(names.size()).isZero();
    }

    @Test
    void aTopicCreatedAgainUnderTheSameNameReplacesItsOldId() {
        names.learn(ORDERS, "orders");
        names.learn(metadata(topic("orders", ORDERS_RECREATED, Errors.NONE)));

        assertThat(names.id("orders")).isEqualTo(ORDERS_RECREATED);
        assertThat(names.name(ORDERS_RECREATED)).isEqualTo("orders");
        assertThat(names.name(ORDERS)).isNull();
        assertThat(names.size()).isEqualTo(1);
    }

    @Test
    void topicsReportedUnknownAreForgotten() {
        names.learn(ORDERS, "orders");
        names.learn(PAYMENTS, "payments");

        names.learn(metadata(new MetadataResponseTopic().setName(null).setTopicId(ORDERS)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()),
                topic("payments", Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION)));

        assertThat(names.name(ORDERS)).isNull();
        assertThat(names.id("orders")).isNull();
        assertThat(names.name(PAYMENTS)).isNull();
        assertThat(names.size()).isZero();
    }

    @Test
    void learningRejectsTheZeroIdAndEmptyNames() {
        assertThatThrownBy(() -> names.learn(Uuid.ZERO_UUID, "orders")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> names.learn(ORDERS, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resolvingKnownIdsSendsNothing() {
        names.learn(ORDERS, "orders");
        StubChain chain = new StubChain(metadata());

        Map<Uuid, String> resolved = names.resolve(chain, List.of(ORDERS)).toCompletableFuture().join();

        assertThat(resolved).containsExactly(Map.entry(ORDERS, "orders"));
        assertThat(chain.sent).isEmpty();
    }

    @Test
    void resolvingUnknownIdsAsksTheBrokerByIdAndLearnsTheAnswer() {
        names.learn(ORDERS, "orders");
        StubChain chain = new StubChain(metadata(topic("payments", PAYMENTS, Errors.NONE),
                new MetadataResponseTopic().setName(null).setTopicId(ORDERS_RECREATED)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())));

        Map<Uuid, String> resolved = names.resolve(chain, List.of(ORDERS, PAYMENTS, ORDERS_RECREATED, PAYMENTS))
                .toCompletableFuture().join();

        assertThat(resolved).isEqualTo(Map.of(ORDERS, "orders", PAYMENTS, "payments"));
        assertThat(names.id("payments")).isEqualTo(PAYMENTS);
        assertThat(chain.sent).hasSize(1);
        KafkaRequest request = chain.sent.get(0);
        assertThat(request.apiKey()).isEqualTo(ApiKeys.METADATA);
        assertThat(request.apiVersion()).isEqualTo((short) 12);
        MetadataRequestData body = (MetadataRequestData) request.body();
        assertThat(body.allowAutoTopicCreation()).isFalse();
        assertThat(body.topics()).extracting(MetadataRequestData.MetadataRequestTopic::topicId)
                .containsExactly(PAYMENTS, ORDERS_RECREATED);
        assertThat(body.topics()).extracting(MetadataRequestData.MetadataRequestTopic::name).containsOnlyNulls();
    }

    @Test
    void aFailedRequestFailsTheResolution() {
        StubChain chain = new StubChain(null);

        CompletableFuture<Map<Uuid, String>> resolved = names.resolve(chain, (short) 13, List.of(ORDERS))
                .toCompletableFuture();

        assertThat(resolved).isCompletedExceptionally();
        assertThat(chain.sent.get(0).apiVersion()).isEqualTo((short) 13);
    }

    @Test
    void resolvingNeedsAMetadataVersionThatAcceptsIds() {
        assertThatThrownBy(() -> names.resolve(new StubChain(metadata()), (short) 11, List.of(ORDERS)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("v11");
    }

    @Test
    void concurrentLearningKeepsBothDirectionsConsistent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        // every thread re-creates the same 50 topics under new ids
                        String name = "topic-" + (i % 50);
                        names.learn(new Uuid(thread + 1, i + 1), name);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(names.size()).isEqualTo(50);
        for (int i = 0; i < 50; i++) {
            Uuid id = names.id("topic-" + i);
            assertThat(names.name(id)).isEqualTo("topic-" + i);
        }
    }

    /** A chain whose {@code send} answers with a fixed Metadata response, or fails when there is none. */
    private static final class StubChain implements Interceptor.Chain {

        final List<KafkaRequest> sent = new ArrayList<>();
        private final @Nullable MetadataResponseData answer;

        StubChain(@Nullable MetadataResponseData answer) {
            this.answer = answer;
        }

        @Override
        public CompletionStage<KafkaResponse> send(KafkaRequest request) {
            sent.add(request);
            if (answer == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("connection closed"));
            }
            return CompletableFuture.completedFuture(KafkaResponse.of(ApiKeys.METADATA, request.apiVersion(), answer));
        }

        @Override
        public KafkaRequest request() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ConnectionContext connection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<KafkaResponse> proceed(KafkaRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<KafkaResponse> respond(ApiMessage body) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<KafkaResponse> fail(Errors error, String message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<KafkaResponse> closeConnection(String reason) {
            throw new UnsupportedOperationException();
        }
    }
}
