package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Requests and broker answers the tests share. */
final class Requests {

    static final short PRODUCE_VERSION = 11;
    /** The id of every topic from Produce v13, which names topics by id only. */
    static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

    private Requests() {}

    /** Produce of one record to each of partitions 0 and 1 of {@code topic} (by {@link #TOPIC_ID} from v13). */
    static KafkaRequest produce(String topic, short acks) {
        return produce(PRODUCE_VERSION, topic, acks);
    }

    static KafkaRequest produce(short version, String topic, short acks) {
        ProduceRequestData produce = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData data = version < 13
                ? new ProduceRequestData.TopicProduceData().setName(topic)
                : new ProduceRequestData.TopicProduceData().setTopicId(TOPIC_ID);
        for (int partition = 0; partition < 2; partition++) {
            data.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition)
                    .setRecords(MemoryRecords.withRecords(Compression.NONE,
                            new SimpleRecord(("value-" + partition).getBytes(StandardCharsets.UTF_8)))));
        }
        produce.topicData().add(data);
        return KafkaRequest.of(Api.PRODUCE, version, produce);
    }

    /** What a broker answers a Produce request that succeeded: every partition at offset 42. */
    static ProduceResponseData produced(KafkaRequest request) {
        ProduceResponseData response = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData topic : request.body(Api.PRODUCE).topicData()) {
            ProduceResponseData.TopicProduceResponse answer = new ProduceResponseData.TopicProduceResponse()
                    .setName(topic.name()).setTopicId(topic.topicId());
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                answer.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(partition.index()).setBaseOffset(42));
            }
            response.responses().add(answer);
        }
        return response;
    }

    static KafkaRequest createTopic(String name) {
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(30_000);
        create.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(1)
                .setReplicationFactor((short) 1));
        return KafkaRequest.of(Api.CREATE_TOPICS, (short) 7, create);
    }

    static KafkaRequest metadata(String... topics) {
        MetadataRequestData metadata = new MetadataRequestData();
        for (String topic : topics) {
            metadata.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(topic));
        }
        return KafkaRequest.of(Api.METADATA, (short) 12, metadata);
    }
}
