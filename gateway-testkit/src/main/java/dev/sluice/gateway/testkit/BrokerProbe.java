package dev.sluice.gateway.testkit;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Asks one particular broker what its metadata cache holds, with a Metadata request on a plain
 * socket. An {@code Admin} cannot do this: it sends each request to whichever broker it likes, so
 * "describeCluster lists broker 200" would only say that <em>some</em> broker knows. This is the
 * fixture's one seam to kafka-clients' request classes, which are not a supported API and follow
 * the kafka-clients version.
 */
final class BrokerProbe {
    private static final String CLIENT_ID = "sluice-testkit-probe";

    private BrokerProbe() {}

    /**
     * What one broker's metadata says.
     *
     * @param brokerIds the brokers it lists: registered and not fenced
     * @param data the whole response, for topic checks
     */
    record View(Set<Integer> brokerIds, MetadataResponseData data) {
        /** True if the topic exists with exactly {@code partitions} partitions, each with a leader. */
        boolean hasLedPartitions(String topic, int partitions) {
            MetadataResponseTopic t = data.topics().find(topic);
            if (t == null || t.errorCode() != Errors.NONE.code() || t.partitions().size() != partitions) {
                return false;
            }
            for (MetadataResponsePartition p : t.partitions()) {
                if (p.errorCode() != Errors.NONE.code() || p.leaderId() < 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Sends one Metadata request for {@code topics} (none if empty) and waits for the answer.
     *
     * @throws IOException if the broker does not listen, closes the connection, or stays silent for
     *     {@code timeout} (a broker that listens but has not finished starting does not answer yet)
     */
    static View query(InetSocketAddress broker, List<String> topics, Duration timeout) throws IOException {
        short version = ApiKeys.METADATA.latestVersion();
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, version, CLIENT_ID, 1);
        ByteBuffer serialized = new MetadataRequest.Builder(topics, false).build(version).serializeWithHeader(header);
        byte[] request = new byte[serialized.remaining()];
        serialized.get(request);
        int timeoutMillis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(broker, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(request.length);
            out.write(request);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            MetadataResponse parsed =
                    (MetadataResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
            Set<Integer> ids = new TreeSet<>();
            for (MetadataResponseBroker b : parsed.data().brokers()) {
                ids.add(b.nodeId());
            }
            return new View(ids, parsed.data());
        } catch (RuntimeException e) {
            throw new IOException("Unreadable Metadata response from " + broker, e);
        }
    }
}
