package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import dev.sluice.gateway.records.TopicNames;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one {@link AuditEvent} per request of the APIs it registers: who sent it (client id,
 * principal, address), what it asked (API, version, topics), how it ended (errors in the response)
 * and how long it took.
 *
 * <pre>{@code
 * AuditInterceptor audit = AuditInterceptor.builder()
 *     .sink(AuditSink.slf4j())                  // the default: logger "sluice.audit"
 *     .build();
 * Gateway.builder()...intercept(audit.spec())...
 *
 * // Who reads and writes what, too: costs a decode of every Produce and Fetch (see below)
 * List<Api<?, ?>> everything = new ArrayList<>(AuditInterceptor.adminApis());
 * everything.addAll(List.of(Api.METADATA, Api.PRODUCE, Api.FETCH, Api.OFFSET_COMMIT));
 * AuditInterceptor.builder().apis(everything).build();
 * }</pre>
 *
 * <h2>Which requests: the cost decides</h2>
 * An interceptor's requests and responses are decoded; every other API stays bytes. The default,
 * {@link #adminApis()}, is the requests that change the cluster: topics, partitions, records,
 * configs, ACLs, groups, quotas, credentials, reassignments. They are rare, so auditing them all is
 * free in practice. Produce and Fetch are not in the default: auditing them means decoding every
 * request and response of the data path (Fetch responses carry the records) and one event per
 * request, including every empty long-poll Fetch, hundreds per second per consumer. Register them
 * when "who read and wrote which topic" is worth that; measure first.
 *
 * <h2>Topics</h2>
 * Topic names are read from the request for Produce, Fetch, ListOffsets, Metadata, OffsetCommit,
 * OffsetFetch, CreateTopics, DeleteTopics, DeleteRecords, CreatePartitions, TxnOffsetCommit,
 * AddPartitionsToTxn and the three config APIs (topic resources only); other APIs name none. Recent
 * versions of Produce, Fetch, DeleteTopics, OffsetCommit and OffsetFetch name topics by id: the
 * interceptor resolves ids it has seen in Metadata (v10+) and CreateTopics (v7+) responses passing
 * through it (into a {@link TopicNames} table, which {@link Builder#topicNames} can share), so
 * register Metadata too when auditing those; ids it has not seen are reported in {@link
 * AuditEvent#unresolvedTopicIds()}. It never asks the broker ({@link TopicNames#resolve} could, at
 * the price of a Metadata round trip before the first request naming an unseen id).
 *
 * <h2>Errors</h2>
 * {@link AuditEvent#errors()} counts every error code of the response other than NONE, top level,
 * per topic and per partition, as kafka-clients counts them. For most admin APIs that means
 * re-encoding the response once (never for Produce and Fetch).
 *
 * <h2>Threading and failure</h2>
 * Thread-safe: one instance serves every connection. The sink is called on the connection's event
 * loop when the response comes back, before the client gets it (see {@link AuditSink}). The audit
 * fails open: if the sink or the event's construction throws, the exception is logged at WARN on
 * this class's logger, the event is lost and the response goes to the client unchanged. Failing the
 * request instead would not undo anything: the broker has already acted when the event is built.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The audit sees the request as the interceptors before it left it, and the response as the
 *       interceptors after it made it: register it first to record what the client sent and got.
 *   <li>A Produce with {@code acks=0} gets no response from the broker: its event's errors and
 *       latency say nothing about whether the records were appended.
 * </ul>
 */
public final class AuditInterceptor implements Interceptor {

    private static final Logger LOG = LoggerFactory.getLogger(AuditInterceptor.class);

    private static final List<Api<?, ?>> ADMIN_APIS = List.of(
            Api.CREATE_TOPICS, Api.DELETE_TOPICS, Api.CREATE_PARTITIONS, Api.DELETE_RECORDS,
            Api.ALTER_CONFIGS, Api.INCREMENTAL_ALTER_CONFIGS, Api.DELETE_GROUPS,
            Api.of(ApiKeys.OFFSET_DELETE), Api.of(ApiKeys.CREATE_ACLS), Api.of(ApiKeys.DELETE_ACLS),
            Api.of(ApiKeys.ALTER_PARTITION_REASSIGNMENTS), Api.of(ApiKeys.ELECT_LEADERS),
            Api.of(ApiKeys.ALTER_CLIENT_QUOTAS), Api.of(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS));

    private final List<Api<?, ?>> apis;
    private final AuditSink sink;
    private final Clock clock;
    private final TopicNames topicNames;

    private AuditInterceptor(Builder builder) {
        this.apis = builder.apis;
        this.sink = builder.sink;
        this.clock = builder.clock;
        this.topicNames = builder.topicNames != null ? builder.topicNames : new TopicNames();
    }

    /**
     * The APIs audited by default, the ones that change the cluster: CreateTopics, DeleteTopics,
     * CreatePartitions, DeleteRecords, AlterConfigs, IncrementalAlterConfigs, DeleteGroups,
     * OffsetDelete, CreateAcls, DeleteAcls, AlterPartitionReassignments, ElectLeaders,
     * AlterClientQuotas, AlterUserScramCredentials.
     */
    public static List<Api<?, ?>> adminApis() {
        return ADMIN_APIS;
    }

    /**
     * A builder: {@link #adminApis()}, {@link AuditSink#slf4j()}, the UTC system clock, a topic-name
     * table of its own.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Registers this interceptor, shared by every connection, as {@code audit} on the configured APIs. */
    public InterceptorSpec spec() {
        return InterceptorSpec.on(apis.toArray(new Api<?, ?>[0])).name("audit").use(this);
    }

    @Override
    public CompletionStage<KafkaResponse> intercept(Chain chain) {
        long start = System.nanoTime();
        Instant time = clock.instant();
        KafkaRequest request = chain.request();
        ConnectionContext connection = chain.connection();
        String gateway = connection.gatewayName();
        long connectionId = connection.id();
        InetSocketAddress remote = connection.remoteAddress();
        String sasl = connection.saslPrincipal();
        @Nullable String principal = sasl != null ? sasl : connection.tlsPrincipal();
        RequestTopics topics = topicsOf(request);
        return chain.proceed().whenComplete((response, failure) -> {
            try {
                Map<Errors, Integer> errors = Map.of();
                if (failure == null) {
                    learnTopicIds(response);
                    errors = ResponseErrors.count(response);
                }
                AuditEvent event = new AuditEvent(time, gateway, connectionId, remote, request.clientId(), principal,
                        request.apiKey(), request.apiVersion(), topics.names(), topics.unresolvedIds(),
                        failure == null ? AuditEvent.Outcome.RESPONDED : AuditEvent.Outcome.NO_RESPONSE, errors,
                        Duration.ofNanos(System.nanoTime() - start));
                sink.record(event);
            } catch (RuntimeException e) {
                LOG.warn("audit of {} on connection {} failed; its event is lost", request, connectionId, e);
            }
        });
    }

    /** Learns topic ids from Metadata (v10+) and CreateTopics (v7+) responses. */
    private void learnTopicIds(KafkaResponse response) {
        if (response.apiKey() == ApiKeys.METADATA) {
            topicNames.learn(response.body(Api.METADATA));
        } else if (response.apiKey() == ApiKeys.CREATE_TOPICS) {
            for (CreatableTopicResult topic : response.body(Api.CREATE_TOPICS).topics()) {
                if (topic.errorCode() == Errors.NONE.code() && !Uuid.ZERO_UUID.equals(topic.topicId())
                        && !topic.name().isEmpty()) {
                    topicNames.learn(topic.topicId(), topic.name());
                }
            }
        }
    }

    private RequestTopics topicsOf(KafkaRequest request) {
        try {
            return RequestTopics.of(request, topicNames);
        } catch (RuntimeException e) {
            LOG.warn("could not read the topics of {}; its event lists none", request, e);
            return new RequestTopics(List.of(), List.of());
        }
    }

    @Override
    public String toString() {
        return "AuditInterceptor[apis=" + apis + ", sink=" + sink + "]";
    }

    /**
     * Collects the settings of an {@link AuditInterceptor}. Each setting may be given once; a second
     * call fails at once with a message quoting both values. Not thread-safe.
     */
    public static final class Builder {

        private List<Api<?, ?>> apis = ADMIN_APIS;
        private AuditSink sink = AuditSink.slf4j();
        private Clock clock = Clock.systemUTC();
        private @Nullable TopicNames topicNames;
        private boolean apisSet;
        private boolean sinkSet;
        private boolean clockSet;

        private Builder() {}

        /** The APIs to audit, in place of {@link #adminApis()}. */
        public Builder apis(Api<?, ?>... apis) {
            return apis(List.of(apis));
        }

        /** The APIs to audit, in place of {@link #adminApis()}. */
        public Builder apis(Collection<? extends Api<?, ?>> apis) {
            List<Api<?, ?>> wanted = List.copyOf(apis);
            once(apisSet, "apis", this.apis, wanted);
            if (wanted.isEmpty()) {
                throw new IllegalArgumentException("apis must name at least one API");
            }
            if (wanted.stream().distinct().count() != wanted.size()) {
                throw new IllegalArgumentException("apis must not repeat an API, got " + wanted);
            }
            this.apis = wanted;
            this.apisSet = true;
            return this;
        }

        /** Where events go. Default: {@link AuditSink#slf4j()}. */
        public Builder sink(AuditSink sink) {
            Objects.requireNonNull(sink, "sink");
            once(sinkSet, "sink", this.sink, sink);
            this.sink = sink;
            this.sinkSet = true;
            return this;
        }

        /** The clock of {@link AuditEvent#time()}. Default: {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            once(clockSet, "clock", this.clock, clock);
            this.clock = clock;
            this.clockSet = true;
            return this;
        }

        /**
         * The table of topic ids to names to learn into and resolve from, to share one with other
         * interceptors of the gateway. Default: a table of the interceptor's own.
         */
        public Builder topicNames(TopicNames names) {
            Objects.requireNonNull(names, "names");
            once(topicNames != null, "topicNames", topicNames, names);
            this.topicNames = names;
            return this;
        }

        public AuditInterceptor build() {
            return new AuditInterceptor(this);
        }

        private static void once(boolean set, String setting, @Nullable Object current, Object wanted) {
            if (set) {
                throw new IllegalStateException(setting + " already set to " + current + ", cannot set " + wanted);
            }
        }
    }
}
