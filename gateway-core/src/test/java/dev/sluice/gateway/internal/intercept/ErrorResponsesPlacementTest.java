package dev.sluice.gateway.internal.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Where {@link ErrorResponses} puts the error, API by API, in the message classes' own terms. */
class ErrorResponsesPlacementTest {

    private static final short POLICY = Errors.POLICY_VIOLATION.code();

    @Test
    void produceGetsTheErrorAndMessageOnEveryPartition() {
        ProduceResponseData response = ErrorResponses.of(
                KafkaRequest.of(Api.PRODUCE, (short) 11, produce((short) -1)), Errors.POLICY_VIOLATION, "no")
                .body(Api.PRODUCE);

        assertThat(response.responses()).singleElement().satisfies(topic -> {
            assertThat(topic.name()).isEqualTo("orders");
            assertThat(topic.partitionResponses()).extracting(p -> p.index(), p -> p.errorCode(), p -> p.errorMessage())
                    .containsExactly(tuple(0, POLICY, "no"),
                            tuple(1, POLICY, "no"));
        });
    }

    @Test
    void produceWithAcksZeroGetsThePartitionErrorsABrokerWouldReportWithAcksOne() {
        ProduceResponseData response = ErrorResponses.of(
                KafkaRequest.of(Api.PRODUCE, (short) 9, produce((short) 0)), Errors.POLICY_VIOLATION, "no")
                .body(Api.PRODUCE);

        assertThat(response.responses().iterator().next().partitionResponses())
                .extracting(ProduceResponseData.PartitionProduceResponse::errorCode).containsExactly(POLICY, POLICY);
    }

    @Test
    void fetchBeforeV13GetsTheErrorAtTheTopAndOnEveryPartition() {
        FetchRequestData fetch = new FetchRequestData().setTopics(List.of(new FetchRequestData.FetchTopic()
                .setTopic("orders").setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(3)))));

        FetchResponseData response = ErrorResponses.of(KafkaRequest.of(Api.FETCH, (short) 12, fetch),
                Errors.REQUEST_TIMED_OUT, "slow").body(Api.FETCH);

        assertThat(response.errorCode()).isEqualTo(Errors.REQUEST_TIMED_OUT.code());
        assertThat(response.responses()).singleElement().satisfies(topic -> assertThat(topic.partitions())
                .singleElement().satisfies(p -> assertThat(p.errorCode()).isEqualTo(Errors.REQUEST_TIMED_OUT.code())));
    }

    @Test
    void fetchFromV13GetsTheErrorAtTheTopOnly() {
        FetchRequestData fetch = new FetchRequestData().setTopics(List.of(new FetchRequestData.FetchTopic()
                .setTopicId(Uuid.randomUuid()).setPartitions(List.of(new FetchRequestData.FetchPartition()))));

        FetchResponseData response = ErrorResponses.of(KafkaRequest.of(Api.FETCH, (short) 17, fetch),
                Errors.POLICY_VIOLATION, "no").body(Api.FETCH);

        assertThat(response.errorCode()).isEqualTo(POLICY);
        assertThat(response.responses()).isEmpty();
    }

    @Test
    void createTopicsGetsTheErrorAndMessageOnEveryTopic() {
        CreateTopicsRequestData create = new CreateTopicsRequestData();
        create.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("team-b.orders"));

        CreateTopicsResponseData response = ErrorResponses.of(KafkaRequest.of(Api.CREATE_TOPICS, (short) 7, create),
                Errors.POLICY_VIOLATION, "outside team-a.").body(Api.CREATE_TOPICS);

        assertThat(response.topics()).singleElement().satisfies(topic -> {
            assertThat(topic.name()).isEqualTo("team-b.orders");
            assertThat(topic.errorCode()).isEqualTo(POLICY);
            assertThat(topic.errorMessage()).isEqualTo("outside team-a.");
        });
    }

    @Test
    void deleteTopicsGetsTheMessageThatKafkaClientsLeavesOut() {
        DeleteTopicsRequestData delete = new DeleteTopicsRequestData()
                .setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState().setName("orders")));

        DeleteTopicsResponseData response = ErrorResponses.of(KafkaRequest.of(Api.DELETE_TOPICS, (short) 6, delete),
                Errors.POLICY_VIOLATION, "protected").body(Api.DELETE_TOPICS);

        assertThat(response.responses()).singleElement().satisfies(topic -> {
            assertThat(topic.errorCode()).isEqualTo(POLICY);
            assertThat(topic.errorMessage()).isEqualTo("protected");
        });
    }

    @Test
    void describeConfigsGetsTheGivenMessageInPlaceOfTheGenericOne() {
        DescribeConfigsRequestData describe = new DescribeConfigsRequestData().setResources(List.of(
                new DescribeConfigsRequestData.DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("orders")));

        DescribeConfigsResponseData response = ErrorResponses.of(KafkaRequest.of(Api.DESCRIBE_CONFIGS, (short) 4,
                describe), Errors.POLICY_VIOLATION, "hidden").body(Api.DESCRIBE_CONFIGS);

        assertThat(response.results()).singleElement().satisfies(result -> {
            assertThat(result.errorCode()).isEqualTo(POLICY);
            assertThat(result.errorMessage()).isEqualTo("hidden");
        });
    }

    @Test
    void withoutAMessageKafkaClientsOwnMessagesStay() {
        DescribeConfigsRequestData describe = new DescribeConfigsRequestData().setResources(List.of(
                new DescribeConfigsRequestData.DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("orders")));

        DescribeConfigsResponseData response = ErrorResponses.of(KafkaRequest.of(Api.DESCRIBE_CONFIGS, (short) 4,
                describe), Errors.POLICY_VIOLATION, null).body(Api.DESCRIBE_CONFIGS);

        assertThat(response.results()).singleElement().satisfies(result -> {
            assertThat(result.errorCode()).isEqualTo(POLICY);
            assertThat(result.errorMessage()).isEqualTo(Errors.POLICY_VIOLATION.message());
        });
    }

    @Test
    void consumerGroupHeartbeatGetsTheErrorAndMessageAtTheTop() {
        ConsumerGroupHeartbeatResponseData response = ErrorResponses.of(KafkaRequest.of(Api.CONSUMER_GROUP_HEARTBEAT,
                (short) 1, new ConsumerGroupHeartbeatRequestData().setGroupId("g")), Errors.POLICY_VIOLATION,
                "group g is closed").body(Api.CONSUMER_GROUP_HEARTBEAT);

        assertThat(response.errorCode()).isEqualTo(POLICY);
        assertThat(response.errorMessage()).isEqualTo("group g is closed");
    }

    @Test
    void offsetCommitGetsTheErrorOnEveryPartition() {
        OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("g").setTopics(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("orders").setPartitions(List.of(
                        new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(2)
                                .setCommittedOffset(42)))));

        OffsetCommitResponseData response = ErrorResponses.of(KafkaRequest.of(Api.OFFSET_COMMIT, (short) 9, commit),
                Errors.POLICY_VIOLATION, "no").body(Api.OFFSET_COMMIT);

        assertThat(response.topics()).singleElement().satisfies(topic -> assertThat(topic.partitions())
                .singleElement().satisfies(p -> {
                    assertThat(p.partitionIndex()).isEqualTo(2);
                    assertThat(p.errorCode()).isEqualTo(POLICY);
                }));
    }

    @Test
    void metadataForAllTopicsHasRoomForTheErrorFromV13Only() {
        MetadataRequestData allTopics = new MetadataRequestData().setTopics(null);

        MetadataResponseData v12 = ErrorResponses.of(KafkaRequest.of(Api.METADATA, (short) 12, allTopics),
                Errors.POLICY_VIOLATION, "no").body(Api.METADATA);
        MetadataResponseData v13 = ErrorResponses.of(KafkaRequest.of(Api.METADATA, (short) 13, allTopics),
                Errors.POLICY_VIOLATION, "no").body(Api.METADATA);

        assertThat(v12.topics()).isEmpty();
        assertThat(v12.errorCode()).isZero();
        assertThat(v13.errorCode()).isEqualTo(POLICY);
    }

    @Test
    void describeLogDirsBeforeV3HasNoRoomForTheError() {
        DescribeLogDirsResponseData response = (DescribeLogDirsResponseData) ErrorResponses.of(KafkaRequest.of(
                ApiKeys.DESCRIBE_LOG_DIRS, (short) 2, null, new DescribeLogDirsRequestData().setTopics(null)),
                Errors.POLICY_VIOLATION, "no").body();

        assertThat(response.results()).isEmpty();
    }

    /** Partitions 0 and 1 of "orders", without record sets: kafka-clients cannot size null ones alone. */
    private static ProduceRequestData produce(short acks) {
        ProduceRequestData produce = new ProduceRequestData().setAcks(acks).setTimeoutMs(1_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("orders");
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0));
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(1));
        produce.topicData().add(topic);
        return produce;
    }
}
