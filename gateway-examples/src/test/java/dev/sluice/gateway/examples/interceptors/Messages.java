package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Requests and broker answers for the tests, built with kafka-clients' message classes. */
final class Messages {

    private Messages() {}

    /** The id a Produce v13+ request uses for {@code topic}: derived from the name, stable across calls. */
    static Uuid topicId(String topic) {
        UUID uuid = UUID.nameUUIDFromBytes(topic.getBytes(StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }

    /** A Produce of one record to partition 0 of each topic, by name (v3-12) or by id (v13+). */
    static KafkaRequest produce(short version, short acks, String clientId, String... topics) {
        ProduceRequestData produce = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        for (String topic : topics) {
            ProduceRequestData.TopicProduceData data = new ProduceRequestData.TopicProduceData();
            if (version >= 13) {
                data.setTopicId(topicId(topic));
            } else {
                data.setName(topic);
            }
            data.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                    .setRecords(MemoryRecords.withRecords(Compression.NONE,
                            new SimpleRecord("value".getBytes(StandardCharsets.UTF_8)))));
            produce.topicData().add(data);
        }
        return KafkaRequest.of(ApiKeys.PRODUCE, version, clientId, produce);
    }

    /** The broker's answer to a Produce: every partition appended at offset 0. */
    static ProduceResponseData produced(KafkaRequest request) {
        ProduceResponseData response = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData topic : request.body(Api.PRODUCE).topicData()) {
            ProduceResponseData.TopicProduceResponse result = new ProduceResponseData.TopicProduceResponse()
                    .setName(topic.name()).setTopicId(topic.topicId());
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                result.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(partition.index()).setBaseOffset(0));
            }
            response.responses().add(result);
        }
        return response;
    }

    /** A Fetch from offset 0 of partition 0 of {@code topic}, by name (v4-12) or by id (v13+). */
    static KafkaRequest fetch(short version, String clientId, String topic) {
        FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic();
        if (version >= 13) {
            fetchTopic.setTopicId(topicId(topic));
        } else {
            fetchTopic.setTopic(topic);
        }
        fetchTopic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                .setPartitionMaxBytes(1 << 20));
        FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(500).setMinBytes(1).setMaxBytes(1 << 20)
                .setReplicaId(-1).setSessionEpoch(-1);
        fetch.topics().add(fetchTopic);
        return KafkaRequest.of(ApiKeys.FETCH, version, clientId, fetch);
    }

    static CreatableTopic topic(String name, int partitions, int replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) replicationFactor);
    }

    static KafkaRequest createTopics(short version, String clientId, CreatableTopic... topics) {
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(30_000);
        for (CreatableTopic topic : topics) {
            create.topics().add(topic);
        }
        return KafkaRequest.of(ApiKeys.CREATE_TOPICS, version, clientId, create);
    }

    /** The broker's answer to a CreateTopics: every topic created as asked. */
    static CreateTopicsResponseData created(KafkaRequest request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        for (CreatableTopic topic : request.body(Api.CREATE_TOPICS).topics()) {
            response.topics().add(new CreatableTopicResult().setName(topic.name()).setTopicId(topicId(topic.name()))
                    .setNumPartitions(topic.numPartitions()).setReplicationFactor(topic.replicationFactor()));
        }
        return response;
    }
}
