package dev.sluice.gateway.benchmarks.e2e;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.records.CorruptBatchException;
import dev.sluice.gateway.records.KafkaRecord;
import dev.sluice.gateway.records.ProduceRecords;
import dev.sluice.gateway.records.RecordHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.Errors;

/**
 * The record-level interceptor of the harness: adds one header, {@code sluice.bench=e2e}, to every
 * produced record. It does what any record-level Produce interceptor must (decode every batch,
 * rebuild each record, re-encode the batch), with as little work of its own as possible, so that
 * what it measures is the cost of the record path. Modelled on the examples' {@code
 * LineageInterceptor}.
 *
 * <p>Thread-safe and stateless: one instance serves every connection, on the connection's event loop.
 */
final class StampInterceptor implements Interceptor {

    static final String HEADER_KEY = "sluice.bench";

    private static final RecordHeader STAMP = RecordHeader.ofUtf8(HEADER_KEY, "e2e");

    static InterceptorSpec spec() {
        return InterceptorSpec.on(Api.PRODUCE).name("stamp").use(new StampInterceptor());
    }

    @Override
    public CompletionStage<dev.sluice.gateway.api.intercept.KafkaResponse> intercept(Chain chain) {
        try {
            ProduceRecords.rewrite(chain.request().body(Api.PRODUCE), (batch, record) -> stamped(record));
        } catch (CorruptBatchException e) {
            return chain.fail(Errors.CORRUPT_MESSAGE, "the gateway could not read a record batch: " + e.getMessage());
        }
        return chain.proceed();
    }

    private static KafkaRecord stamped(KafkaRecord record) {
        List<RecordHeader> current = record.headers();
        List<RecordHeader> headers = new ArrayList<>(current.size() + 1);
        headers.addAll(current);
        headers.add(STAMP);
        return record.withHeaders(headers);
    }

    @Override
    public String toString() {
        return "StampInterceptor[" + HEADER_KEY + "]";
    }
}
