package dev.sluice.gateway.examples.interceptors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.records.TopicNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.Test;

/** The topics the audit reads from each API's requests. */
class RequestTopicsTest {

    private final TopicNames known = new TopicNames();

    @Test
    void produceByNameAndById() {
        assertThat(names(Messages.produce((short) 12, (short) -1, "c", "orders", "payments", "orders")))
                .containsExactly("orders", "payments");
        RequestTopics byId = RequestTopics.of(Messages.produce((short) 13, (short) -1, "c", "orders"), known);
        assertThat(byId.names()).isEmpty();
        assertThat(byId.unresolvedIds()).containsExactly(Messages.topicId("orders").toString());
    }

    @Test
    void idsSeenInAMetadataResponseAreResolved() {
        MetadataResponseData metadata = new MetadataResponseData();
        metadata.topics().add(new MetadataResponseData.MetadataResponseTopic().setName("orders")
                .setTopicId(Messages.topicId("orders")));
        known.learn(metadata);

        assertThat(names(Messages.produce((short) 13, (short) -1, "c", "orders"))).containsExactly("orders");
        assertThat(names(Messages.fetch((short) 13, "c", "orders"))).containsExactly("orders");
    }

    @Test
    void fetchByName() {
        assertThat(names(Messages.fetch((short) 12, "c", "orders"))).containsExactly("orders");
    }

    @Test
    void metadataForAllTopicsIsAStar() {
        assertThat(names(request(ApiKeys.METADATA, 12, new MetadataRequestData().setTopics(null))))
                .containsExactly("*");
        MetadataRequestData some = new MetadataRequestData();
        some.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("orders"));
        assertThat(names(request(ApiKeys.METADATA, 12, some))).containsExactly("orders");
    }

    @Test
    void listOffsetsDeleteRecordsCreatePartitions() {
        ListOffsetsRequestData list = new ListOffsetsRequestData();
        list.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName("orders"));
        DeleteRecordsRequestData delete = new DeleteRecordsRequestData();
        delete.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName("logs"));
        CreatePartitionsRequestData grow = new CreatePartitionsRequestData();
        grow.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("events").setCount(12));

        assertThat(names(request(ApiKeys.LIST_OFFSETS, 9, list))).containsExactly("orders");
        assertThat(names(request(ApiKeys.DELETE_RECORDS, 2, delete))).containsExactly("logs");
        assertThat(names(request(ApiKeys.CREATE_PARTITIONS, 3, grow))).containsExactly("events");
    }

    @Test
    void deleteTopicsByNameBeforeV6AndByStateAfter() {
        DeleteTopicsRequestData old = new DeleteTopicsRequestData().setTopicNames(List.of("a", "b"));
        DeleteTopicsRequestData recent = new DeleteTopicsRequestData();
        recent.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("a"));
        recent.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(null)
                .setTopicId(Messages.topicId("b")));

        assertThat(names(request(ApiKeys.DELETE_TOPICS, 5, old))).containsExactly("a", "b");
        RequestTopics byState = RequestTopics.of(request(ApiKeys.DELETE_TOPICS, 6, recent), known);
        assertThat(byState.names()).containsExactly("a");
        assertThat(byState.unresolvedIds()).containsExactly(Messages.topicId("b").toString());
    }

    @Test
    void offsetCommitAndTxnOffsetCommit() {
        OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("g");
        commit.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("orders"));
        TxnOffsetCommitRequestData txn = new TxnOffsetCommitRequestData().setGroupId("g");
        txn.topics().add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName("payments"));

        assertThat(names(request(ApiKeys.OFFSET_COMMIT, 9, commit))).containsExactly("orders");
        assertThat(names(request(ApiKeys.TXN_OFFSET_COMMIT, 3, txn))).containsExactly("payments");
    }

    @Test
    void offsetFetchBeforeAndAfterGroupsAndForAllTopics() {
        OffsetFetchRequestData single = new OffsetFetchRequestData().setGroupId("g");
        single.topics().add(new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("orders"));
        OffsetFetchRequestData all = new OffsetFetchRequestData().setGroupId("g").setTopics(null);
        OffsetFetchRequestData groups = new OffsetFetchRequestData();
        OffsetFetchRequestData.OffsetFetchRequestGroup one = new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId("g1");
        one.topics().add(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName("orders"));
        groups.groups().add(one);
        groups.groups().add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("g2").setTopics(null));

        assertThat(names(request(ApiKeys.OFFSET_FETCH, 7, single))).containsExactly("orders");
        assertThat(names(request(ApiKeys.OFFSET_FETCH, 7, all))).containsExactly("*");
        assertThat(names(request(ApiKeys.OFFSET_FETCH, 8, groups))).containsExactly("orders", "*");
    }

    @Test
    void addPartitionsToTxnBeforeAndAfterBatching() {
        AddPartitionsToTxnRequestData old = new AddPartitionsToTxnRequestData().setV3AndBelowTransactionalId("t");
        old.v3AndBelowTopics().add(new AddPartitionsToTxnTopic().setName("orders"));
        AddPartitionsToTxnRequestData batched = new AddPartitionsToTxnRequestData();
        AddPartitionsToTxnTransaction transaction = new AddPartitionsToTxnTransaction().setTransactionalId("t");
        transaction.topics().add(new AddPartitionsToTxnTopic().setName("payments"));
        batched.transactions().add(transaction);

        assertThat(names(request(ApiKeys.ADD_PARTITIONS_TO_TXN, 3, old))).containsExactly("orders");
        assertThat(names(request(ApiKeys.ADD_PARTITIONS_TO_TXN, 4, batched))).containsExactly("payments");
    }

    @Test
    void configApisNameOnlyTopicResources() {
        DescribeConfigsRequestData describe = new DescribeConfigsRequestData();
        describe.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("orders"));
        describe.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("1"));
        IncrementalAlterConfigsRequestData alter = new IncrementalAlterConfigsRequestData();
        alter.resources().add(new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("payments"));

        assertThat(names(request(ApiKeys.DESCRIBE_CONFIGS, 4, describe))).containsExactly("orders");
        assertThat(names(request(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, alter))).containsExactly("payments");
    }

    @Test
    void apisThatNameNoTopicsGiveNone() {
        assertThat(names(request(ApiKeys.JOIN_GROUP, 9, new JoinGroupRequestData().setGroupId("g")))).isEmpty();
    }

    private List<String> names(KafkaRequest request) {
        RequestTopics topics = RequestTopics.of(request, known);
        List<String> all = new ArrayList<>(topics.names());
        all.addAll(topics.unresolvedIds());
        return all;
    }

    private static KafkaRequest request(ApiKeys key, int version, ApiMessage body) {
        return KafkaRequest.of(key, (short) version, "c", body);
    }
}
