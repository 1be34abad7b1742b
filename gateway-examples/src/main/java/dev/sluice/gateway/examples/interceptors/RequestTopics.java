package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.records.TopicNames;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

/**
 * The topics a request names, for the APIs that name topics: one small reader per API key, in a
 * table. Requests of other API keys name none.
 *
 * @param names topic names, each once, in request order; {@link #ALL} for "every topic"
 * @param unresolvedIds ids of topics named by id whose name is not known
 */
record RequestTopics(List<String> names, List<String> unresolvedIds) {

    /** Stands for "every topic"; not a legal topic name. */
    static final String ALL = "*";

    private static final byte TOPIC = ConfigResource.Type.TOPIC.id();

    /** Adds the topics of one request body to a {@link Found}. */
    @FunctionalInterface
    private interface Reader {
        void read(ApiMessage body, Found found);
    }

    private static final Map<ApiKeys, Reader> READERS = new EnumMap<>(ApiKeys.class);

    static {
        READERS.put(ApiKeys.PRODUCE, (body, found) -> {
            for (ProduceRequestData.TopicProduceData topic : ((ProduceRequestData) body).topicData()) {
                found.add(topic.name(), topic.topicId());
            }
        });
        READERS.put(ApiKeys.FETCH, (body, found) -> {
            for (FetchRequestData.FetchTopic topic : ((FetchRequestData) body).topics()) {
                found.add(topic.topic(), topic.topicId());
            }
        });
        READERS.put(ApiKeys.LIST_OFFSETS, (body, found) -> {
            for (ListOffsetsRequestData.ListOffsetsTopic topic : ((ListOffsetsRequestData) body).topics()) {
                found.add(topic.name());
            }
        });
        READERS.put(ApiKeys.METADATA, (body, found) -> {
            List<MetadataRequestData.MetadataRequestTopic> topics = ((MetadataRequestData) body).topics();
            if (topics == null) {
                found.add(ALL);
                return;
            }
            for (MetadataRequestData.MetadataRequestTopic topic : topics) {
                found.add(topic.name(), topic.topicId());
            }
        });
        READERS.put(ApiKeys.OFFSET_COMMIT, (body, found) -> {
            for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : ((OffsetCommitRequestData) body).topics()) {
                found.add(topic.name(), topic.topicId());
            }
        });
        READERS.put(ApiKeys.OFFSET_FETCH, RequestTopics::offsetFetch);
        READERS.put(ApiKeys.CREATE_TOPICS, (body, found) -> {
            for (CreateTopicsRequestData.CreatableTopic topic : ((CreateTopicsRequestData) body).topics()) {
                found.add(topic.name());
            }
        });
        READERS.put(ApiKeys.DELETE_TOPICS, (body, found) -> {
            DeleteTopicsRequestData delete = (DeleteTopicsRequestData) body;
            for (String name : delete.topicNames()) {
                found.add(name);
            }
            for (DeleteTopicsRequestData.DeleteTopicState topic : delete.topics()) {
                found.add(topic.name(), topic.topicId());
            }
        });
        READERS.put(ApiKeys.DELETE_RECORDS, (body, found) -> {
            for (DeleteRecordsRequestData.DeleteRecordsTopic topic : ((DeleteRecordsRequestData) body).topics()) {
                found.add(topic.name());
            }
        });
        READERS.put(ApiKeys.CREATE_PARTITIONS, (body, found) -> {
            for (CreatePartitionsRequestData.CreatePartitionsTopic topic
                    : ((CreatePartitionsRequestData) body).topics()) {
                found.add(topic.name());
            }
        });
        READERS.put(ApiKeys.TXN_OFFSET_COMMIT, (body, found) -> {
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic
                    : ((TxnOffsetCommitRequestData) body).topics()) {
                found.add(topic.name());
            }
        });
        READERS.put(ApiKeys.ADD_PARTITIONS_TO_TXN, (body, found) -> {
            AddPartitionsToTxnRequestData add = (AddPartitionsToTxnRequestData) body;
            for (AddPartitionsToTxnTopic topic : add.v3AndBelowTopics()) {
                found.add(topic.name());
            }
            for (AddPartitionsToTxnTransaction transaction : add.transactions()) {
                for (AddPartitionsToTxnTopic topic : transaction.topics()) {
                    found.add(topic.name());
                }
            }
        });
        READERS.put(ApiKeys.DESCRIBE_CONFIGS, (body, found) -> {
            for (DescribeConfigsRequestData.DescribeConfigsResource resource
                    : ((DescribeConfigsRequestData) body).resources()) {
                found.addIfTopic(resource.resourceType(), resource.resourceName());
            }
        });
        READERS.put(ApiKeys.ALTER_CONFIGS, (body, found) -> {
            for (AlterConfigsRequestData.AlterConfigsResource resource : ((AlterConfigsRequestData) body).resources()) {
                found.addIfTopic(resource.resourceType(), resource.resourceName());
            }
        });
        READERS.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, (body, found) -> {
            for (IncrementalAlterConfigsRequestData.AlterConfigsResource resource
                    : ((IncrementalAlterConfigsRequestData) body).resources()) {
                found.addIfTopic(resource.resourceType(), resource.resourceName());
            }
        });
    }

    RequestTopics {
        names = List.copyOf(names);
        unresolvedIds = List.copyOf(unresolvedIds);
    }

    /** The topics {@code request} names, with ids resolved through {@code known}. */
    static RequestTopics of(KafkaRequest request, TopicNames known) {
        Reader reader = READERS.get(request.apiKey());
        if (reader == null) {
            return new RequestTopics(List.of(), List.of());
        }
        Found found = new Found(known);
        reader.read(request.body(), found);
        return new RequestTopics(List.copyOf(found.names), List.copyOf(found.unresolved));
    }

    private static void offsetFetch(ApiMessage body, Found found) {
        OffsetFetchRequestData fetch = (OffsetFetchRequestData) body;
        if (fetch.groups().isEmpty()) {
            if (fetch.topics() == null) {
                found.add(ALL);
                return;
            }
            for (OffsetFetchRequestData.OffsetFetchRequestTopic topic : fetch.topics()) {
                found.add(topic.name());
            }
            return;
        }
        for (OffsetFetchRequestData.OffsetFetchRequestGroup group : fetch.groups()) {
            if (group.topics() == null) {
                found.add(ALL);
                continue;
            }
            for (OffsetFetchRequestData.OffsetFetchRequestTopics topic : group.topics()) {
                found.add(topic.name(), topic.topicId());
            }
        }
    }

    /** Collects names and unresolved ids, each once. */
    private static final class Found {

        private final TopicNames known;
        private final Set<String> names = new LinkedHashSet<>();
        private final Set<String> unresolved = new LinkedHashSet<>();

        Found(TopicNames known) {
            this.known = known;
        }

        void add(@Nullable String name) {
            if (name != null && !name.isEmpty()) {
                names.add(name);
            }
        }

        /** A topic named by name, or (when the name is empty) by id. */
        void add(@Nullable String name, Uuid id) {
            if (name != null && !name.isEmpty()) {
                names.add(name);
            } else if (!Uuid.ZERO_UUID.equals(id)) {
                String resolved = known.name(id);
                if (resolved != null) {
                    names.add(resolved);
                } else {
                    unresolved.add(id.toString());
                }
            }
        }

        void addIfTopic(byte resourceType, String name) {
            if (resourceType == TOPIC) {
                add(name);
            }
        }
    }
}
