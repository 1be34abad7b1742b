package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.AttributeKey;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.testkit.KafkaCluster;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Interceptors in the data path, with real clients and a real broker. */
class InterceptorsTest {

    static final List<String> ORDER = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> EVENTS = new ConcurrentHashMap<>();
    static final Map<String, String> IDENTITY = new ConcurrentHashMap<>();
    static final AttributeKey<Integer> SEEN = AttributeKey.of("seen", Integer.class);

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1), builder -> builder
            .interceptorTimeout(Duration.ofMillis(500))
            .eventListener(new CountingListener())
            // Topic policy: short-circuits CreateTopics with a per-topic error.
            .intercept(InterceptorSpec.on(Api.CREATE_TOPICS).name("topic-policy").use(chain -> {
                for (var topic : chain.request().body(Api.CREATE_TOPICS).topics()) {
                    if (topic.name().startsWith("forbidden")) {
                        return chain.fail(Errors.POLICY_VIOLATION, "topic " + topic.name() + " is forbidden here");
                    }
                }
                return chain.proceed();
            }))
            // Two interceptors on Metadata: order, response rewriting, identity, per-connection state.
            .intercept(InterceptorSpec.on(Api.METADATA).name("outer").perConnection(() -> chain -> {
                ORDER.add("outer-request");
                ConnectionContext connection = chain.connection();
                Integer seen = connection.attribute(SEEN);
                connection.setAttribute(SEEN, seen == null ? 1 : seen + 1);
                IDENTITY.put("clientId", String.valueOf(connection.clientId()));
                IDENTITY.put("software", String.valueOf(connection.clientSoftwareName()));
                return chain.proceed().thenApply(response -> {
                    ORDER.add("outer-response");
                    return response;
                });
            }))
            .intercept(InterceptorSpec.on(Api.METADATA).name("hide-internal").use(chain -> {
                ORDER.add("inner-request");
                return chain.proceed().thenApply(response -> {
                    ORDER.add("inner-response");
                    response.body(Api.METADATA).topics().removeIf(t -> t.name() != null && t.name().startsWith("hidden-"));
                    return response;
                });
            }))
            // A slow interceptor on DescribeConfigs (answers after 200 ms, from another thread).
            .intercept(InterceptorSpec.on(Api.DESCRIBE_CONFIGS).name("slow").use(chain -> {
                CompletableFuture<Void> later = new CompletableFuture<>();
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> later.complete(null));
                return later.thenCompose(v -> chain.proceed());
            }))
            // Failures: throws on DeleteTopics; never completes on DeleteRecords (timeout).
            .intercept(InterceptorSpec.on(Api.DELETE_TOPICS).name("thrower").use(chain -> {
                throw new IllegalStateException("boom");
            }))
            .intercept(InterceptorSpec.on(Api.DELETE_RECORDS).name("sleeper").use(chain -> new CompletableFuture<>()))
            // Out-of-band: answers ApiVersions v3 with its own Metadata request first, and only for raw clients.
            .intercept(InterceptorSpec.on(Api.API_VERSIONS).name("side-request")
                    .when(connection -> "raw-test".equals(connection.clientId()))
                    .use(chain -> chain.send(KafkaRequest.of(Api.METADATA, (short) 12,
                                    new MetadataRequestData().setTopics(null)))
                            .thenCompose(own -> {
                                MetadataResponseData metadata = own.body(Api.METADATA);
                                IDENTITY.put("oob-broker", metadata.brokers().iterator().next().host() + ":"
                                        + metadata.brokers().iterator().next().port());
                                return chain.proceed();
                            })))
            .intercept(InterceptorSpec.on(Api.LIST_GROUPS).name("closer")
                    .use(chain -> chain.closeConnection("no group listing here"))));

    @Test
    void aPolicyFailureReachesTheClientAsTheBrokersOwnErrorWouldAndNothingIsCreated() throws Exception {
        try (Admin admin = admin()) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("forbidden-topic", 1, (short) 1)))
                    .all().get())
                    .hasCauseInstanceOf(PolicyViolationException.class)
                    .hasMessageContaining("forbidden-topic is forbidden here");
            admin.createTopics(List.of(new NewTopic("allowed-topic", 1, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).contains("allowed-topic").doesNotContain("forbidden-topic");
        }
    }

    @Test
    void interceptorsRunInOrderOnRequestsAndInReverseOnResponsesAndMayRewriteResponses() throws Exception {
        GATEWAY.kafka().createTopic("hidden-plans", 1, 1);
        GATEWAY.kafka().createTopic("visible-plans", 1, 1);
        ORDER.clear();
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get()).contains("visible-plans").doesNotContain("hidden-plans");
        }
        assertThat(ORDER).containsSubsequence("outer-request", "inner-request", "inner-response", "outer-response");
        assertThat(IDENTITY).containsEntry("clientId", "interceptors-test")
                .containsEntry("software", "apache-kafka-java");
    }

    @Test
    void aFailingInterceptorFailsOnlyItsRequestAndIsReported() throws Exception {
        int before = EVENTS.getOrDefault("failed:thrower", new AtomicInteger()).get();
        try (Admin admin = admin()) {
            assertThatThrownBy(() -> admin.deleteTopics(List.of("whatever")).all().get())
                    .isInstanceOf(ExecutionException.class);
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
        assertThat(EVENTS.get("failed:thrower").get()).isGreaterThan(before);
    }

    @Test
    void anInterceptorThatNeverAnswersTimesOutAsRequestTimedOut() throws Exception {
        GATEWAY.kafka().createTopic("records-to-keep", 1, 1);
        try (Admin admin = admin()) {
            var result = admin.deleteRecords(Map.of(new org.apache.kafka.common.TopicPartition("records-to-keep", 0),
                    org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(0))).all();
            assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        assertThat(EVENTS.get("failed:sleeper").get()).isPositive();
    }

    @Test
    void answersStayInRequestOrderWhenALaterRequestIsAnsweredFirst() throws Exception {
        try (RawConnection raw = new RawConnection(GatewayHarness.ADVERTISED_HOST, GATEWAY.harness().bootstrapPort)) {
            // DescribeConfigs is held 200 ms by an interceptor; the ApiVersions behind it is not.
            var describe = new org.apache.kafka.common.message.DescribeConfigsRequestData().setResources(List.of(
                    new org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource()
                            .setResourceType((byte) 4).setResourceName("0")));
            raw.send(RawConnection.request(ApiKeys.DESCRIBE_CONFIGS, (short) 4, 1, describe));
            raw.send(RawConnection.request(ApiKeys.API_VERSIONS, (short) 0, 2, new ApiVersionsRequestData()));
            assertThat(raw.readFrame().getInt()).isEqualTo(1);
            assertThat(raw.readFrame().getInt()).isEqualTo(2);
        }
    }

    @Test
    void interceptorsSendTheirOwnRequestsUpstreamAndTheirAnswersCarryGatewayAddresses() throws Exception {
        try (RawConnection raw = new RawConnection(GatewayHarness.ADVERTISED_HOST, GATEWAY.harness().bootstrapPort)) {
            raw.send(RawConnection.request(ApiKeys.API_VERSIONS, (short) 3, 77,
                    new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1")));
            ByteBuffer answer = raw.readFrame();
            assertThat(answer.getInt()).as("only the client's own answer, with its own id").isEqualTo(77);
        }
        String[] broker = IDENTITY.get("oob-broker").split(":");
        assertThat(GATEWAY.harness().isGatewayAddress(broker[0], Integer.parseInt(broker[1]))).isTrue();
    }

    @Test
    void anInterceptorClosesTheConnectionAfterEarlierAnswers() throws Exception {
        try (RawConnection raw = new RawConnection(GatewayHarness.ADVERTISED_HOST, GATEWAY.harness().bootstrapPort)) {
            raw.send(RawConnection.request(ApiKeys.API_VERSIONS, (short) 0, 5, new ApiVersionsRequestData()));
            raw.send(RawConnection.request(ApiKeys.LIST_GROUPS, (short) 4,
                    6, new org.apache.kafka.common.message.ListGroupsRequestData()));
            assertThat(raw.readFrame().getInt()).isEqualTo(5);
            assertThat(raw.closedByPeer()).isTrue();
        }
        assertThat(EVENTS.get("rejected").get()).isPositive();
    }

    @Test
    void theEventListenerHearsConnectionsAndRequests() throws Exception {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get();
        }
        assertThat(EVENTS.get("opened").get()).isPositive();
        assertThat(EVENTS.get("request:" + ApiKeys.METADATA.id).get()).isPositive();
        Eventually.until(Duration.ofSeconds(5), () -> "closed connections to be reported",
                () -> EVENTS.containsKey("closed"));
    }

    private static Admin admin() {
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "interceptors-test");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return Admin.create(config);
    }

    static final class CountingListener implements GatewayEventListener {
        private static void count(String event) {
            EVENTS.computeIfAbsent(event, e -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void connectionOpened(ConnectionContext connection) {
            count("opened");
        }

        @Override
        public void connectionClosed(ConnectionContext connection, long requests, long bytesIn, long bytesOut) {
            count("closed");
        }

        @Override
        public void requestCompleted(ConnectionContext connection, short apiKey, short apiVersion, int requestBytes,
                int responseBytes, long latencyNanos) {
            count("request:" + apiKey);
        }

        @Override
        public void interceptorFailed(ConnectionContext connection, String interceptor, short apiKey, short apiVersion,
                Throwable cause) {
            count("failed:" + interceptor);
        }

        @Override
        public void connectionRejected(ConnectionContext connection, String reason) {
            count("rejected");
        }
    }
}
