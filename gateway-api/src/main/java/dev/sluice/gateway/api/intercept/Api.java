package dev.sluice.gateway.api.intercept;

import java.util.Objects;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A Kafka API with the message classes of its requests and responses: the typed handle interceptors
 * use to register ({@link InterceptorSpec#on(Api[])}) and to read bodies without casting ({@link
 * KafkaRequest#body(Api)}, {@link KafkaResponse#body(Api)}).
 *
 * <pre>{@code
 * ProduceRequestData produce = chain.request().body(Api.PRODUCE);
 * }</pre>
 *
 * <p>Constants cover the APIs interceptors most often need; {@link #of(ApiKeys)} gives an untyped
 * handle for any other. Immutable; constants are compared by API key.
 *
 * @param <Q> the request message class
 * @param <S> the response message class
 */
public final class Api<Q extends ApiMessage, S extends ApiMessage> {

    public static final Api<ProduceRequestData, ProduceResponseData> PRODUCE =
            new Api<>(ApiKeys.PRODUCE, ProduceRequestData.class, ProduceResponseData.class);
    public static final Api<FetchRequestData, FetchResponseData> FETCH =
            new Api<>(ApiKeys.FETCH, FetchRequestData.class, FetchResponseData.class);
    public static final Api<ListOffsetsRequestData, ListOffsetsResponseData> LIST_OFFSETS =
            new Api<>(ApiKeys.LIST_OFFSETS, ListOffsetsRequestData.class, ListOffsetsResponseData.class);
    public static final Api<MetadataRequestData, MetadataResponseData> METADATA =
            new Api<>(ApiKeys.METADATA, MetadataRequestData.class, MetadataResponseData.class);
    public static final Api<OffsetCommitRequestData, OffsetCommitResponseData> OFFSET_COMMIT =
            new Api<>(ApiKeys.OFFSET_COMMIT, OffsetCommitRequestData.class, OffsetCommitResponseData.class);
    public static final Api<OffsetFetchRequestData, OffsetFetchResponseData> OFFSET_FETCH =
            new Api<>(ApiKeys.OFFSET_FETCH, OffsetFetchRequestData.class, OffsetFetchResponseData.class);
    public static final Api<FindCoordinatorRequestData, FindCoordinatorResponseData> FIND_COORDINATOR =
            new Api<>(ApiKeys.FIND_COORDINATOR, FindCoordinatorRequestData.class, FindCoordinatorResponseData.class);
    public static final Api<JoinGroupRequestData, JoinGroupResponseData> JOIN_GROUP =
            new Api<>(ApiKeys.JOIN_GROUP, JoinGroupRequestData.class, JoinGroupResponseData.class);
    public static final Api<HeartbeatRequestData, HeartbeatResponseData> HEARTBEAT =
            new Api<>(ApiKeys.HEARTBEAT, HeartbeatRequestData.class, HeartbeatResponseData.class);
    public static final Api<LeaveGroupRequestData, LeaveGroupResponseData> LEAVE_GROUP =
            new Api<>(ApiKeys.LEAVE_GROUP, LeaveGroupRequestData.class, LeaveGroupResponseData.class);
    public static final Api<SyncGroupRequestData, SyncGroupResponseData> SYNC_GROUP =
            new Api<>(ApiKeys.SYNC_GROUP, SyncGroupRequestData.class, SyncGroupResponseData.class);
    public static final Api<DescribeGroupsRequestData, DescribeGroupsResponseData> DESCRIBE_GROUPS =
            new Api<>(ApiKeys.DESCRIBE_GROUPS, DescribeGroupsRequestData.class, DescribeGroupsResponseData.class);
    public static final Api<ListGroupsRequestData, ListGroupsResponseData> LIST_GROUPS =
            new Api<>(ApiKeys.LIST_GROUPS, ListGroupsRequestData.class, ListGroupsResponseData.class);
    public static final Api<SaslHandshakeRequestData, SaslHandshakeResponseData> SASL_HANDSHAKE =
            new Api<>(ApiKeys.SASL_HANDSHAKE, SaslHandshakeRequestData.class, SaslHandshakeResponseData.class);
    public static final Api<ApiVersionsRequestData, ApiVersionsResponseData> API_VERSIONS =
            new Api<>(ApiKeys.API_VERSIONS, ApiVersionsRequestData.class, ApiVersionsResponseData.class);
    public static final Api<CreateTopicsRequestData, CreateTopicsResponseData> CREATE_TOPICS =
            new Api<>(ApiKeys.CREATE_TOPICS, CreateTopicsRequestData.class, CreateTopicsResponseData.class);
    public static final Api<DeleteTopicsRequestData, DeleteTopicsResponseData> DELETE_TOPICS =
            new Api<>(ApiKeys.DELETE_TOPICS, DeleteTopicsRequestData.class, DeleteTopicsResponseData.class);
    public static final Api<DeleteRecordsRequestData, DeleteRecordsResponseData> DELETE_RECORDS =
            new Api<>(ApiKeys.DELETE_RECORDS, DeleteRecordsRequestData.class, DeleteRecordsResponseData.class);
    public static final Api<InitProducerIdRequestData, InitProducerIdResponseData> INIT_PRODUCER_ID =
            new Api<>(ApiKeys.INIT_PRODUCER_ID, InitProducerIdRequestData.class, InitProducerIdResponseData.class);
    public static final Api<AddPartitionsToTxnRequestData, AddPartitionsToTxnResponseData> ADD_PARTITIONS_TO_TXN =
            new Api<>(ApiKeys.ADD_PARTITIONS_TO_TXN, AddPartitionsToTxnRequestData.class,
                    AddPartitionsToTxnResponseData.class);
    public static final Api<AddOffsetsToTxnRequestData, AddOffsetsToTxnResponseData> ADD_OFFSETS_TO_TXN =
            new Api<>(ApiKeys.ADD_OFFSETS_TO_TXN, AddOffsetsToTxnRequestData.class, AddOffsetsToTxnResponseData.class);
    public static final Api<EndTxnRequestData, EndTxnResponseData> END_TXN =
            new Api<>(ApiKeys.END_TXN, EndTxnRequestData.class, EndTxnResponseData.class);
    public static final Api<TxnOffsetCommitRequestData, TxnOffsetCommitResponseData> TXN_OFFSET_COMMIT =
            new Api<>(ApiKeys.TXN_OFFSET_COMMIT, TxnOffsetCommitRequestData.class, TxnOffsetCommitResponseData.class);
    public static final Api<DescribeConfigsRequestData, DescribeConfigsResponseData> DESCRIBE_CONFIGS =
            new Api<>(ApiKeys.DESCRIBE_CONFIGS, DescribeConfigsRequestData.class, DescribeConfigsResponseData.class);
    public static final Api<AlterConfigsRequestData, AlterConfigsResponseData> ALTER_CONFIGS =
            new Api<>(ApiKeys.ALTER_CONFIGS, AlterConfigsRequestData.class, AlterConfigsResponseData.class);
    public static final Api<SaslAuthenticateRequestData, SaslAuthenticateResponseData> SASL_AUTHENTICATE =
            new Api<>(ApiKeys.SASL_AUTHENTICATE, SaslAuthenticateRequestData.class, SaslAuthenticateResponseData.class);
    public static final Api<CreatePartitionsRequestData, CreatePartitionsResponseData> CREATE_PARTITIONS =
            new Api<>(ApiKeys.CREATE_PARTITIONS, CreatePartitionsRequestData.class, CreatePartitionsResponseData.class);
    public static final Api<DeleteGroupsRequestData, DeleteGroupsResponseData> DELETE_GROUPS =
            new Api<>(ApiKeys.DELETE_GROUPS, DeleteGroupsRequestData.class, DeleteGroupsResponseData.class);
    public static final Api<IncrementalAlterConfigsRequestData, IncrementalAlterConfigsResponseData>
            INCREMENTAL_ALTER_CONFIGS = new Api<>(ApiKeys.INCREMENTAL_ALTER_CONFIGS,
                    IncrementalAlterConfigsRequestData.class, IncrementalAlterConfigsResponseData.class);
    public static final Api<ConsumerGroupHeartbeatRequestData, ConsumerGroupHeartbeatResponseData>
            CONSUMER_GROUP_HEARTBEAT = new Api<>(ApiKeys.CONSUMER_GROUP_HEARTBEAT,
                    ConsumerGroupHeartbeatRequestData.class, ConsumerGroupHeartbeatResponseData.class);

    private final ApiKeys key;
    private final Class<Q> requestType;
    private final Class<S> responseType;

    private Api(ApiKeys key, Class<Q> requestType, Class<S> responseType) {
        this.key = key;
        this.requestType = requestType;
        this.responseType = responseType;
    }

    /** An untyped handle for any API key, for APIs without a constant here. */
    public static Api<ApiMessage, ApiMessage> of(ApiKeys key) {
        return new Api<>(Objects.requireNonNull(key, "key"), ApiMessage.class, ApiMessage.class);
    }

    public ApiKeys key() {
        return key;
    }

    public Class<Q> requestType() {
        return requestType;
    }

    public Class<S> responseType() {
        return responseType;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Api<?, ?> other && other.key == key;
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key.name;
    }
}
