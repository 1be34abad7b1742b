package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import dev.sluice.gateway.records.CorruptBatchException;
import dev.sluice.gateway.records.KafkaRecord;
import dev.sluice.gateway.records.ProduceRecords;
import dev.sluice.gateway.records.RecordHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * Stamps every produced record with where it came from: three headers naming the gateway, the
 * producer's client id and its principal, so consumers and auditors can trace a record back.
 *
 * <pre>{@code
 * Gateway.builder()...intercept(LineageInterceptor.builder().build().spec())...
 * // a consumer
 * Header principal = record.headers().lastHeader("sluice.principal");
 * }</pre>
 *
 * <table>
 *   <caption>The headers, with the default prefix {@code sluice.}</caption>
 *   <tr><th>Key</th><th>Value (UTF-8)</th></tr>
 *   <tr><td>{@code sluice.gateway}</td><td>the gateway's name</td></tr>
 *   <tr><td>{@code sluice.client.id}</td><td>the client id of the Produce request's header;
 *       a null value when it carried none</td></tr>
 *   <tr><td>{@code sluice.principal}</td><td>the SASL username, else the TLS client certificate's
 *       subject; a null value for an anonymous client</td></tr>
 * </table>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The headers are <b>replaced, never trusted</b>: any header the producer (or a gateway before
 *       this one) set under one of the three keys is removed before this gateway's are added, so a
 *       client cannot claim another principal. The three always come last, once each.
 *   <li>Unknown values are written as headers with a null value rather than left out, so a consumer
 *       can tell "anonymous" from "did not come through the gateway".
 *   <li>Every other header, the key, value, timestamp and offset of each record, and each batch's
 *       producer id, epoch, sequence, transactional flag and codec are kept ({@link ProduceRecords}).
 *   <li>A batch that cannot be read fails the request with {@code CORRUPT_MESSAGE}, as a broker
 *       would answer; it is never passed on half rewritten.
 * </ul>
 *
 * <h2>Cost</h2>
 * Every Produce request is decoded, and every batch decompressed, rebuilt with the headers and
 * compressed again (at the codec's default level): CPU and memory grow with produce throughput, and
 * each record grows by the three headers (about 50 bytes with the default keys, plus the values). Measure
 * before putting it in front of a high-volume producer.
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe: one instance serves every connection. The rewrite runs synchronously
 * on the connection's event loop, in proportion to the request's size.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The records grow: a batch the producer filled close to the topic's {@code max.message.bytes}
 *       can be refused by the broker with {@code MESSAGE_TOO_LARGE} once stamped. Leave headroom in
 *       the producer's {@code batch.size}.
 *   <li>Register it after interceptors that change or refuse records, so that only records that
 *       will be written are rewritten, and only once.
 *   <li>Legacy batches (message format v0/v1) cannot carry headers and pass unstamped; Produce v3+
 *       (every client of the last years) always sends v2 batches.
 * </ul>
 */
public final class LineageInterceptor implements Interceptor {

    private final String gatewayKey;
    private final String clientIdKey;
    private final String principalKey;

    private LineageInterceptor(Builder builder) {
        this.gatewayKey = builder.prefix + "gateway";
        this.clientIdKey = builder.prefix + "client.id";
        this.principalKey = builder.prefix + "principal";
    }

    /** A builder with the header prefix {@code sluice.}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Registers this interceptor, shared by every connection, as {@code lineage} on Produce. */
    public InterceptorSpec spec() {
        return InterceptorSpec.on(Api.PRODUCE).name("lineage").use(this);
    }

    /** The keys of the headers this interceptor writes: gateway, client id, principal. */
    public List<String> headerKeys() {
        return List.of(gatewayKey, clientIdKey, principalKey);
    }

    @Override
    public CompletionStage<KafkaResponse> intercept(Chain chain) {
        KafkaRequest request = chain.request();
        ConnectionContext connection = chain.connection();
        String sasl = connection.saslPrincipal();
        @Nullable String principal = sasl != null ? sasl : connection.tlsPrincipal();
        List<RecordHeader> stamp = List.of(
                RecordHeader.ofUtf8(gatewayKey, connection.gatewayName()),
                RecordHeader.ofUtf8(clientIdKey, request.clientId()),
                RecordHeader.ofUtf8(principalKey, principal));
        try {
            ProduceRecords.rewrite(request.body(Api.PRODUCE), (batch, record) -> stamped(record, stamp));
        } catch (CorruptBatchException e) {
            return chain.fail(Errors.CORRUPT_MESSAGE, "the gateway could not read a record batch: " + e.getMessage());
        }
        return chain.proceed();
    }

    private KafkaRecord stamped(KafkaRecord record, List<RecordHeader> stamp) {
        List<RecordHeader> current = record.headers();
        List<RecordHeader> headers = new ArrayList<>(current.size() + stamp.size());
        for (RecordHeader header : current) {
            String key = header.key();
            if (!key.equals(gatewayKey) && !key.equals(clientIdKey) && !key.equals(principalKey)) {
                headers.add(header);
            }
        }
        headers.addAll(stamp);
        return record.withHeaders(headers);
    }

    @Override
    public String toString() {
        return "LineageInterceptor" + headerKeys();
    }

    /**
     * Collects the settings of a {@link LineageInterceptor}. Each setting may be given once; a
     * second call fails at once with a message quoting both values. Not thread-safe.
     */
    public static final class Builder {

        private String prefix = "sluice.";
        private boolean prefixSet;

        private Builder() {}

        /**
         * The prefix of the three header keys ({@code <prefix>gateway}, {@code <prefix>client.id},
         * {@code <prefix>principal}). Default: {@code sluice.}.
         */
        public Builder headerPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefixSet) {
                throw new IllegalStateException("headerPrefix already set to '" + this.prefix + "', cannot set '"
                        + prefix + "'");
            }
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("headerPrefix must not be blank, got '" + prefix + "'");
            }
            this.prefix = prefix;
            this.prefixSet = true;
            return this;
        }

        public LineageInterceptor build() {
            return new LineageInterceptor(this);
        }
    }
}
