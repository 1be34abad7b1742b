package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * Refuses what a cluster operator does not want through the gateway: producers that do not wait
 * for every in-sync replica, topics outside a naming scheme or outside partition and replication
 * bounds, and clients that do not say who they are.
 *
 * <pre>{@code
 * SafeguardPolicy policy = SafeguardPolicy.builder()
 *     .topicNames(Pattern.compile("team-a\\.[a-z0-9.-]+"))
 *     .partitions(1, 48)
 *     .replicationFactor(3, 3)
 *     .build();
 * Gateway.builder()...intercept(policy.spec())...
 * }</pre>
 *
 * <h2>Rules</h2>
 * <table>
 *   <caption>What is refused, and how the client hears of it</caption>
 *   <tr><th>Rule (default)</th><th>Request</th><th>Answer</th></tr>
 *   <tr><td>{@link Builder#requireClientId requireClientId} (on)</td>
 *       <td>any request the policy sees whose header has no client id, an empty or a blank one</td>
 *       <td>the whole request fails with {@code POLICY_VIOLATION}</td></tr>
 *   <tr><td>{@link Builder#requireAcksAll requireAcksAll} (on)</td>
 *       <td>Produce with {@code acks} 0 or 1</td>
 *       <td>every partition fails with {@code POLICY_VIOLATION}; the message (Produce v8+) says
 *       why</td></tr>
 *   <tr><td>{@link Builder#topicNames topicNames} ({@code .*})</td>
 *       <td rowspan="3">CreateTopics, per topic</td>
 *       <td rowspan="3">that topic's result carries {@code POLICY_VIOLATION} and a message; the
 *       other topics are created</td></tr>
 *   <tr><td>{@link Builder#partitions partitions} (1..1000)</td></tr>
 *   <tr><td>{@link Builder#replicationFactor replicationFactor} (1..32767)</td></tr>
 * </table>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>CreateTopics is judged per topic and merged.</b> Topics that pass are forwarded to the
 *       broker (the others removed from the request); refused topics are added to the broker's
 *       response with their own error and message, after the broker's results. A request where no
 *       topic passes never reaches the broker. {@code validateOnly} requests are judged the same way.
 *       A name given more than once is refused in every occurrence if any of them is refused.
 *   <li><b>Broker defaults.</b> {@code numPartitions} or {@code replicationFactor} of {@code -1}
 *       means "the broker's default" ({@code num.partitions}, {@code default.replication.factor}).
 *       The policy does not look the default up; it allows {@code -1} by default (the cluster's
 *       defaults are the operator's own choice) and refuses it with {@link
 *       Builder#allowBrokerDefaults allowBrokerDefaults(false)}. With manual replica assignments the
 *       bounds apply to the number of assigned partitions and to each partition's replica count.
 *   <li><b>A refused acks=0 Produce closes the connection.</b> A Produce with {@code acks=0} gets
 *       no response, so an error response would never be read. Like a broker that cannot append an
 *       {@code acks=0} batch, the policy closes the connection instead (whichever rule refused it),
 *       so the producer at least sees a disconnect; its records are lost, which is what {@code
 *       acks=0} accepted.
 *   <li><b>Client id on the APIs the policy already sees.</b> {@link #spec()} registers Produce and
 *       CreateTopics only, so the client-id rule costs no other API anything. It does not check
 *       Metadata (before v13 a Metadata response has no top-level error, so a refusal looks to the
 *       client like an empty cluster and it retries silently) nor Fetch (the hot path; consumers
 *       retry fetch errors without surfacing them). The rule applies to every request the policy
 *       sees: to check more APIs, register the same instance with your own spec, e.g. {@code
 *       InterceptorSpec.on(Api.PRODUCE, Api.CREATE_TOPICS, Api.JOIN_GROUP).use(policy)}.
 *   <li><b>One error code.</b> Every refusal is {@code POLICY_VIOLATION}, the code a broker's own
 *       {@code create.topic.policy.class.name} uses; clients treat it as not retriable. The message
 *       tells the rule and the allowed values.
 * </ul>
 *
 * <h2>Cost</h2>
 * CreateTopics is rare. Produce is not: with the acks or the client-id rule on, every Produce
 * request is decoded to read two fields ({@code acks} and the header's client id); its records are
 * not read, decompressed or copied. Turn both rules off and {@link #spec()} leaves Produce alone.
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe: one instance serves every connection ({@link #spec()} registers it
 * shared). {@code intercept} runs on the connection's event loop and does no blocking work.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Requests of API keys no spec registers never reach the policy: a client using an admin
 *       API the policy does not register (CreatePartitions, AlterConfigs) is not checked by it.
 *   <li>The topic-name pattern must match the <em>whole</em> name ({@link
 *       java.util.regex.Matcher#matches()}); {@code team-a\.} alone matches no topic.
 *   <li>Transactional and idempotent producers always use {@code acks=all}; the acks rule only
 *       ever refuses plain producers configured with {@code acks=0} or {@code acks=1}.
 * </ul>
 */
public final class SafeguardPolicy implements Interceptor {

    private static final short ACKS_ALL = -1;
    private static final int BROKER_DEFAULT = -1;

    private final boolean requireAcksAll;
    private final boolean requireClientId;
    private final Pattern topicNames;
    private final int minPartitions;
    private final int maxPartitions;
    private final int minReplicationFactor;
    private final int maxReplicationFactor;
    private final boolean allowBrokerDefaults;

    private SafeguardPolicy(Builder builder) {
        this.requireAcksAll = builder.requireAcksAll;
        this.requireClientId = builder.requireClientId;
        this.topicNames = builder.topicNames;
        this.minPartitions = builder.minPartitions;
        this.maxPartitions = builder.maxPartitions;
        this.minReplicationFactor = builder.minReplicationFactor;
        this.maxReplicationFactor = builder.maxReplicationFactor;
        this.allowBrokerDefaults = builder.allowBrokerDefaults;
    }

    /** A builder with every rule at its default (see the class documentation). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers this policy, shared by every connection, as {@code safeguard-policy}: on CreateTopics,
     * and on Produce unless neither the acks rule nor the client-id rule is on.
     */
    public InterceptorSpec spec() {
        InterceptorSpec.Builder spec = requireAcksAll || requireClientId
                ? InterceptorSpec.on(Api.PRODUCE, Api.CREATE_TOPICS)
                : InterceptorSpec.on(Api.CREATE_TOPICS);
        return spec.name("safeguard-policy").use(this);
    }

    @Override
    public CompletionStage<KafkaResponse> intercept(Chain chain) {
        KafkaRequest request = chain.request();
        if (request.is(Api.PRODUCE)) {
            return produce(chain, request.body(Api.PRODUCE));
        }
        String clientIdRefusal = clientIdRefusal(request);
        if (clientIdRefusal != null) {
            return chain.fail(Errors.POLICY_VIOLATION, clientIdRefusal);
        }
        if (request.is(Api.CREATE_TOPICS)) {
            return createTopics(chain, request.body(Api.CREATE_TOPICS));
        }
        return chain.proceed();
    }

    private CompletionStage<KafkaResponse> produce(Chain chain, ProduceRequestData produce) {
        String refusal = clientIdRefusal(chain.request());
        if (refusal == null && requireAcksAll && produce.acks() != ACKS_ALL) {
            refusal = "acks=" + produce.acks() + " is refused by the gateway's safeguard policy:"
                    + " producers must use acks=all (-1)";
        }
        if (refusal == null) {
            return chain.proceed();
        }
        return produce.acks() == 0 ? chain.closeConnection(refusal) : chain.fail(Errors.POLICY_VIOLATION, refusal);
    }

    private @Nullable String clientIdRefusal(KafkaRequest request) {
        String clientId = request.clientId();
        if (requireClientId && (clientId == null || clientId.isBlank())) {
            return request.apiKey().name + " requests without a client.id are refused by the gateway's"
                    + " safeguard policy: configure client.id";
        }
        return null;
    }

    private CompletionStage<KafkaResponse> createTopics(Chain chain, CreateTopicsRequestData create) {
        Map<String, String> refused = new LinkedHashMap<>();
        for (CreatableTopic topic : create.topics()) {
            if (!refused.containsKey(topic.name())) {
                String refusal = refusal(topic);
                if (refusal != null) {
                    refused.put(topic.name(), refusal);
                }
            }
        }
        if (refused.isEmpty()) {
            return chain.proceed();
        }
        for (Iterator<CreatableTopic> topics = create.topics().iterator(); topics.hasNext(); ) {
            if (refused.containsKey(topics.next().name())) {
                topics.remove();
            }
        }
        if (create.topics().isEmpty()) {
            CreateTopicsResponseData answer = new CreateTopicsResponseData();
            addRefusals(answer, refused);
            return chain.respond(answer);
        }
        return chain.proceed().thenApply(response -> {
            addRefusals(response.body(Api.CREATE_TOPICS), refused);
            return response;
        });
    }

    private static void addRefusals(CreateTopicsResponseData response, Map<String, String> refused) {
        refused.forEach((name, message) -> response.topics().add(new CreatableTopicResult()
                .setName(name)
                .setErrorCode(Errors.POLICY_VIOLATION.code())
                .setErrorMessage(message)
                .setNumPartitions(BROKER_DEFAULT)
                .setReplicationFactor((short) BROKER_DEFAULT)));
    }

    /** Why {@code topic} may not be created, or {@code null} when it may. */
    private @Nullable String refusal(CreatableTopic topic) {
        String name = topic.name();
        if (!topicNames.matcher(name).matches()) {
            return "topic name '" + name + "' does not match the pattern '" + topicNames.pattern()
                    + "' of the gateway's safeguard policy";
        }
        if (!topic.assignments().isEmpty()) {
            String partitions = boundsRefusal(name, "partition count", topic.assignments().size(), "",
                    minPartitions, maxPartitions);
            if (partitions != null) {
                return partitions;
            }
            for (CreatableReplicaAssignment assignment : topic.assignments()) {
                String replicas = boundsRefusal(name, "replica count", assignment.brokerIds().size(),
                        " of partition " + assignment.partitionIndex(), minReplicationFactor, maxReplicationFactor);
                if (replicas != null) {
                    return replicas;
                }
            }
            return null;
        }
        String partitions = boundsRefusal(name, "partition count", topic.numPartitions(), "", minPartitions,
                maxPartitions);
        return partitions != null ? partitions : boundsRefusal(name, "replication factor",
                topic.replicationFactor(), "", minReplicationFactor, maxReplicationFactor);
    }

    /** Why {@code setting} (with {@code value}) of {@code topic} is refused, or {@code null}. */
    private @Nullable String boundsRefusal(String topic, String setting, int value, String where, int min, int max) {
        if (value == BROKER_DEFAULT) {
            return allowBrokerDefaults ? null : "topic '" + topic + "': " + setting + " -1 (the broker default) is"
                    + " refused; the gateway's safeguard policy requires an explicit value in " + min + ".." + max;
        }
        if (value < min || value > max) {
            return "topic '" + topic + "': " + setting + " " + value + where + " is outside " + min + ".." + max
                    + ", the range the gateway's safeguard policy allows";
        }
        return null;
    }

    @Override
    public String toString() {
        return "SafeguardPolicy[requireAcksAll=" + requireAcksAll + ", requireClientId=" + requireClientId
                + ", topicNames='" + topicNames.pattern() + "', partitions=" + minPartitions + ".." + maxPartitions
                + ", replicationFactor=" + minReplicationFactor + ".." + maxReplicationFactor
                + ", allowBrokerDefaults=" + allowBrokerDefaults + "]";
    }

    /**
     * Collects the rules of a {@link SafeguardPolicy}. Each setting may be given once; a second call,
     * or a value out of range, fails at once with a message quoting the values. Not thread-safe.
     */
    public static final class Builder {

        private boolean requireAcksAll = true;
        private boolean requireClientId = true;
        private Pattern topicNames = Pattern.compile(".*");
        private int minPartitions = 1;
        private int maxPartitions = 1000;
        private int minReplicationFactor = 1;
        private int maxReplicationFactor = Short.MAX_VALUE;
        private boolean allowBrokerDefaults = true;
        private boolean acksSet;
        private boolean clientIdSet;
        private boolean topicNamesSet;
        private boolean partitionsSet;
        private boolean replicationFactorSet;
        private boolean brokerDefaultsSet;

        private Builder() {}

        /** Whether Produce requests must use {@code acks=all} ({@code -1}). Default: {@code true}. */
        public Builder requireAcksAll(boolean required) {
            once(acksSet, "requireAcksAll", requireAcksAll, required);
            this.requireAcksAll = required;
            this.acksSet = true;
            return this;
        }

        /** Whether every request the policy sees must carry a non-blank client id. Default: {@code true}. */
        public Builder requireClientId(boolean required) {
            once(clientIdSet, "requireClientId", requireClientId, required);
            this.requireClientId = required;
            this.clientIdSet = true;
            return this;
        }

        /**
         * The pattern every new topic's <em>whole</em> name must match. Default: {@code .*}
         * (anything Kafka accepts).
         */
        public Builder topicNames(Pattern pattern) {
            Objects.requireNonNull(pattern, "pattern");
            once(topicNamesSet, "topicNames", "'" + topicNames.pattern() + "'", "'" + pattern.pattern() + "'");
            this.topicNames = pattern;
            this.topicNamesSet = true;
            return this;
        }

        /** Bounds for a new topic's partition count, inclusive. Default: {@code 1..1000}. */
        public Builder partitions(int min, int max) {
            once(partitionsSet, "partitions", minPartitions + ".." + maxPartitions, min + ".." + max);
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("partitions must be 1 <= min <= max, got " + min + ".." + max);
            }
            this.minPartitions = min;
            this.maxPartitions = max;
            this.partitionsSet = true;
            return this;
        }

        /** Bounds for a new topic's replication factor, inclusive. Default: {@code 1..32767} (any). */
        public Builder replicationFactor(int min, int max) {
            once(replicationFactorSet, "replicationFactor", minReplicationFactor + ".." + maxReplicationFactor,
                    min + ".." + max);
            if (min < 1 || max < min || max > Short.MAX_VALUE) {
                throw new IllegalArgumentException("replicationFactor must be 1 <= min <= max <= 32767, got "
                        + min + ".." + max);
            }
            this.minReplicationFactor = min;
            this.maxReplicationFactor = max;
            this.replicationFactorSet = true;
            return this;
        }

        /**
         * Whether a partition count or replication factor of {@code -1} (the broker's default, not
         * looked up) is allowed. Default: {@code true}.
         */
        public Builder allowBrokerDefaults(boolean allowed) {
            once(brokerDefaultsSet, "allowBrokerDefaults", allowBrokerDefaults, allowed);
            this.allowBrokerDefaults = allowed;
            this.brokerDefaultsSet = true;
            return this;
        }

        public SafeguardPolicy build() {
            return new SafeguardPolicy(this);
        }

        private static void once(boolean set, String setting, Object current, Object wanted) {
            if (set) {
                throw new IllegalStateException(setting + " already set to " + current + ", cannot set " + wanted);
            }
        }
    }
}
