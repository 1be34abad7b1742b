package dev.sluice.gateway.records;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * Topic id &lt;-&gt; name, as learned from Metadata responses: what an interceptor needs to name the
 * topics of Produce and Fetch v13+, which carry topic ids only.
 *
 * <pre>{@code
 * TopicNames names = new TopicNames();                  // one per gateway, shared by interceptors
 * Interceptor learn = chain -> chain.proceed().thenApply(response -> {
 *     names.learn(response.body(Api.METADATA));         // every Metadata answer a client gets
 *     return response;
 * });
 * Interceptor audit = chain -> {
 *     ProduceRequestData produce = chain.request().body(Api.PRODUCE);
 *     return names.resolve(chain, ProduceRecords.topicIds(produce)).thenCompose(resolved -> {
 *         ProduceRecords.forEach(produce, names, (batch, record) -> log.info("{}", batch.topicName()));
 *         return chain.proceed();
 *     });
 * };
 * }</pre>
 *
 * <h2>Learning and forgetting</h2>
 * {@link #learn(MetadataResponseData)} records every topic that comes with both a name and an id
 * (Metadata v10+), and forgets topics the broker reports as unknown. A topic deleted and created
 * again under the same name gets a new id; learning it drops the old id. Only topics that Metadata
 * answers mention are kept, so the size follows the cluster's live topics.
 *
 * <h2>Threading</h2>
 * Thread-safe: lookups are lock-free; learning takes a short lock only when something changes.
 * {@link #resolve} must be called where its {@link Interceptor.Chain} may be used (the connection's
 * event loop); its stage completes there.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>A name is only as fresh as the last Metadata answer: after a topic is deleted and created
 *       again, records of the new id stay unnamed until it is learned or resolved.
 *   <li>{@link #resolve} asks the broker with the connection's credentials: ids of topics the client
 *       may not describe stay unresolved, which is the point.
 *   <li>Concurrent resolves of the same unknown id on different connections each send a Metadata
 *       request; there is no cross-connection coalescing.
 * </ul>
 */
public final class TopicNames {

    /** The first Metadata version whose requests name topics by id (v10 and v11 had the field, unimplemented). */
    public static final short FIRST_METADATA_VERSION_BY_ID = 12;

    private final ConcurrentHashMap<Uuid, String> namesById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Uuid> idsByName = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();

    /** An empty table. */
    public TopicNames() {}

    /** The name of topic {@code id}, or {@code null} when unknown. */
    public @Nullable String name(Uuid id) {
        return namesById.get(Objects.requireNonNull(id, "id"));
    }

    /** The id of topic {@code name}, or {@code null} when unknown. */
    public @Nullable Uuid id(String name) {
        return idsByName.get(Objects.requireNonNull(name, "name"));
    }

    /** How many topics are known. */
    public int size() {
        return namesById.size();
    }

    /**
     * Learns from a Metadata response: every topic with a name and a non-zero id (Metadata v10+);
     * topics reported {@code UNKNOWN_TOPIC_ID} or {@code UNKNOWN_TOPIC_OR_PARTITION} are forgotten.
     * Responses below v10 carry no ids and teach nothing.
     */
    public void learn(MetadataResponseData response) {
        Objects.requireNonNull(response, "response");
        for (MetadataResponseTopic topic : response.topics()) {
            Uuid id = topic.topicId() == null || Uuid.ZERO_UUID.equals(topic.topicId()) ? null : topic.topicId();
            String name = topic.name() == null || topic.name().isEmpty() ? null : topic.name();
            Errors error = Errors.forCode(topic.errorCode());
            if (error == Errors.UNKNOWN_TOPIC_ID || error == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                if (id != null) {
                    forget(id);
                } else if (name != null) {
                    forgetName(name);
                }
            } else if (id != null && name != null) {
                learn(id, name);
            }
        }
    }

    /** Learns that topic {@code id} is named {@code name}, replacing what either was known as. */
    public void learn(Uuid id, String name) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (Uuid.ZERO_UUID.equals(id) || name.isEmpty()) {
            throw new IllegalArgumentException("a topic needs a non-zero id and a name, got " + id + " '" + name + "'");
        }
        if (name.equals(namesById.get(id)) && id.equals(idsByName.get(name))) {
            return;
        }
        synchronized (writeLock) {
            Uuid previousId = idsByName.put(name, id);
            if (previousId != null && !previousId.equals(id)) {
                namesById.remove(previousId, name);
            }
            String previousName = namesById.put(id, name);
            if (previousName != null && !previousName.equals(name)) {
                idsByName.remove(previousName, id);
            }
        }
    }

    /** Forgets topic {@code id} (deleted). */
    public void forget(Uuid id) {
        Objects.requireNonNull(id, "id");
        synchronized (writeLock) {
            String name = namesById.remove(id);
            if (name != null) {
                idsByName.remove(name, id);
            }
        }
    }

    private void forgetName(String name) {
        synchronized (writeLock) {
            Uuid id = idsByName.remove(name);
            if (id != null) {
                namesById.remove(id, name);
            }
        }
    }

    /**
     * The names of {@code ids}, asking the broker for those not known yet with a Metadata request
     * (v{@value #FIRST_METADATA_VERSION_BY_ID}) sent through {@code chain}; see {@link #resolve(Interceptor.Chain,
     * short, Collection)}.
     */
    public CompletionStage<Map<Uuid, String>> resolve(Interceptor.Chain chain, Collection<Uuid> ids) {
        return resolve(chain, FIRST_METADATA_VERSION_BY_ID, ids);
    }

    /**
     * The names of {@code ids}. Known ids are answered at once, with no request; for the others one
     * Metadata request at {@code metadataVersion}, naming them by id, goes to the broker through
     * {@link Interceptor.Chain#send} (unseen by the client), and the answer is {@linkplain
     * #learn(MetadataResponseData) learned}. Ids the broker does not know, or does not let the
     * client describe, are absent from the map.
     *
     * <p>Every broker that sends or accepts topic ids in Produce or Fetch (Kafka 3.1+) supports
     * Metadata v12; pass a higher version only if the broker advertises it.
     *
     * @return an immutable map of the ids resolved; it completes exceptionally when the request fails
     * @throws IllegalArgumentException when {@code metadataVersion} is below {@value
     *     #FIRST_METADATA_VERSION_BY_ID} or above what kafka-clients knows
     */
    public CompletionStage<Map<Uuid, String>> resolve(Interceptor.Chain chain, short metadataVersion,
            Collection<Uuid> ids) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(ids, "ids");
        if (metadataVersion < FIRST_METADATA_VERSION_BY_ID
                || metadataVersion > MetadataRequestData.HIGHEST_SUPPORTED_VERSION) {
            throw new IllegalArgumentException("resolving topic ids needs Metadata v" + FIRST_METADATA_VERSION_BY_ID
                    + ".." + MetadataRequestData.HIGHEST_SUPPORTED_VERSION + ", got v" + metadataVersion);
        }
        Map<Uuid, String> resolved = new HashMap<>();
        Set<Uuid> unknown = new LinkedHashSet<>();
        for (Uuid id : ids) {
            Objects.requireNonNull(id, "id");
            String name = namesById.get(id);
            if (name != null) {
                resolved.put(id, name);
            } else if (!Uuid.ZERO_UUID.equals(id)) {
                unknown.add(id);
            }
        }
        if (unknown.isEmpty()) {
            return CompletableFuture.completedFuture(Map.copyOf(resolved));
        }
        List<MetadataRequestTopic> topics = new ArrayList<>(unknown.size());
        for (Uuid id : unknown) {
            topics.add(new MetadataRequestTopic().setTopicId(id).setName(null));
        }
        MetadataRequestData request = new MetadataRequestData()
                .setTopics(topics)
                .setAllowAutoTopicCreation(false)
                .setIncludeTopicAuthorizedOperations(false);
        return chain.send(KafkaRequest.of(Api.METADATA, metadataVersion, request)).thenApply(response -> {
            MetadataResponseData metadata = response.body(Api.METADATA);
            learn(metadata);
            for (MetadataResponseTopic topic : metadata.topics()) {
                if (topic.errorCode() == Errors.NONE.code() && unknown.contains(topic.topicId())
                        && topic.name() != null && !topic.name().isEmpty()) {
                    resolved.put(topic.topicId(), topic.name());
                }
            }
            return Map.copyOf(resolved);
        });
    }

    @Override
    public String toString() {
        return "TopicNames[" + namesById.size() + " topics]";
    }
}
