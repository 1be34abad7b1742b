package dev.sluice.gateway.internal.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Populated Fetch and Produce responses, valid at any version they are asked for: several topics
 * and partitions, every optional field the version has, tagged fields where it is flexible, and
 * for Fetch real record batches (about 1 MiB uncompressed, plus a gzip-compressed set).
 */
public final class ResponseSamples {

    /** About 1 MiB of records in four uncompressed batches. Shared and read-only: never release. */
    public static final MemoryRecords MEBIBYTE_OF_RECORDS = uncompressed(4, 256, 1_024);
    /** Compressible records in one gzip batch. */
    public static final MemoryRecords GZIP_RECORDS = gzip(2_000);

    private static final Uuid[] TOPIC_IDS = {
        Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"), Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg"),
        Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAw")};

    private ResponseSamples() {}

    private static MemoryRecords uncompressed(int batches, int recordsPerBatch, int valueSize) {
        Random random = new Random(42);
        List<ByteBuffer> parts = new ArrayList<>();
        long offset = 0;
        for (int b = 0; b < batches; b++) {
            ByteBuffer buffer = ByteBuffer.allocate(recordsPerBatch * (valueSize + 64));
            MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, offset);
            for (int r = 0; r < recordsPerBatch; r++) {
                byte[] value = new byte[valueSize];
                random.nextBytes(value);
                builder.append(1_700_000_000_000L + r, ("key-" + offset).getBytes(StandardCharsets.UTF_8), value);
                offset++;
            }
            parts.add(builder.build().buffer());
        }
        ByteBuffer all = ByteBuffer.allocate(parts.stream().mapToInt(ByteBuffer::remaining).sum());
        parts.forEach(all::put);
        return MemoryRecords.readableRecords(all.flip());
    }

    private static MemoryRecords gzip(int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("key-" + i).getBytes(StandardCharsets.UTF_8),
                    ("value " + i + " ".repeat(200)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.gzip().build(), records);
    }

    /** A populated Fetch response for {@code version}; node endpoints too when asked (v16+ only). */
    public static FetchResponseData fetch(short version, boolean withRecords, List<FetchResponseData.NodeEndpoint> endpoints) {
        FetchResponseData data = new FetchResponseData().setThrottleTimeMs(5);
        if (version >= 7) {
            data.setErrorCode(Errors.NONE.code()).setSessionId(1234);
        }
        for (int t = 0; t < 3; t++) {
            FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse();
            if (version >= 13) {
                topic.setTopicId(TOPIC_IDS[t]);
            } else {
                topic.setTopic("topic-" + t);
            }
            for (int p = 0; p < 3; p++) {
                FetchResponseData.PartitionData partition = new FetchResponseData.PartitionData()
                        .setPartitionIndex(p)
                        .setErrorCode(p == 2 ? Errors.NOT_LEADER_OR_FOLLOWER.code() : Errors.NONE.code())
                        .setHighWatermark(1_000L * (t + 1))
                        .setLastStableOffset(900L)
                        .setAbortedTransactions(p == 1
                                ? List.of(new FetchResponseData.AbortedTransaction().setProducerId(7).setFirstOffset(3))
                                : p == 2 ? null : List.of());
                if (version >= 5) {
                    partition.setLogStartOffset(10L);
                }
                if (version >= 11) {
                    partition.setPreferredReadReplica(p == 0 ? 2 : -1);
                }
                if (version >= 12) {
                    if (p == 0) {
                        partition.setSnapshotId(new FetchResponseData.SnapshotId().setEndOffset(77).setEpoch(2));
                    } else if (p == 1) {
                        partition.setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(3).setEndOffset(50));
                    } else {
                        partition.setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch().setLeaderId(2).setLeaderEpoch(9));
                    }
                    partition.unknownTaggedFields().add(new RawTaggedField(99, new byte[] {4, 5}));
                }
                if (withRecords && p == 0) {
                    partition.setRecords(t == 0 ? MEBIBYTE_OF_RECORDS : GZIP_RECORDS);
                } else if (p == 1) {
                    partition.setRecords(MemoryRecords.EMPTY);
                }
                topic.partitions().add(partition);
            }
            data.responses().add(topic);
        }
        for (FetchResponseData.NodeEndpoint endpoint : endpoints) {
            data.nodeEndpoints().add(endpoint.duplicate());
        }
        return data;
    }

    /** A populated Produce response for {@code version}; node endpoints too when asked (v10+ only). */
    public static ProduceResponseData produce(short version, List<ProduceResponseData.NodeEndpoint> endpoints) {
        ProduceResponseData data = new ProduceResponseData().setThrottleTimeMs(3);
        for (int t = 0; t < 3; t++) {
            ProduceResponseData.TopicProduceResponse topic = new ProduceResponseData.TopicProduceResponse();
            if (version >= 13) {
                topic.setTopicId(TOPIC_IDS[t]);
            } else {
                topic.setName("topic-" + t);
            }
            for (int p = 0; p < 4; p++) {
                boolean notLeader = p == 1;
                ProduceResponseData.PartitionProduceResponse partition = new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(p)
                        .setErrorCode(notLeader ? Errors.NOT_LEADER_OR_FOLLOWER.code() : Errors.NONE.code())
                        .setBaseOffset(notLeader ? -1 : 100L * p)
                        .setLogAppendTimeMs(p == 3 ? 1_700_000_000_000L : -1);
                if (version >= 5) {
                    partition.setLogStartOffset(5L);
                }
                if (version >= 8 && p == 2) {
                    partition.setErrorCode(Errors.INVALID_RECORD.code())
                            .setErrorMessage("batch rejected")
                            .setRecordErrors(List.of(
                                    new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(0),
                                    new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(3)
                                            .setBatchIndexErrorMessage("bad timestamp")));
                }
                if (version >= 10 && notLeader) {
                    partition.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch().setLeaderId(2).setLeaderEpoch(7));
                    partition.unknownTaggedFields().add(new RawTaggedField(50, new byte[] {1}));
                }
                topic.partitionResponses().add(partition);
            }
            data.responses().add(topic);
        }
        for (ProduceResponseData.NodeEndpoint endpoint : endpoints) {
            data.nodeEndpoints().add(endpoint.duplicate());
        }
        return data;
    }
}
