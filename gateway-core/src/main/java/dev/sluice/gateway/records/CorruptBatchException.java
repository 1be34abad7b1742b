package dev.sluice.gateway.records;

import dev.sluice.gateway.api.GatewayException;

/**
 * A record batch that cannot be read: its CRC does not match, it is truncated inside, or its
 * attributes name an unknown codec or message format.
 *
 * <p>Thrown by {@link ProduceRecords} and {@link FetchRecords} before any record of the batch is
 * handed out, so corrupt data is never rewritten into a batch with a fresh, valid CRC. Uncaught in an
 * interceptor it fails the one request; to answer as a broker would, catch it and fail the request
 * with {@code Errors.CORRUPT_MESSAGE}.
 */
public final class CorruptBatchException extends GatewayException {

    private static final long serialVersionUID = 1L;

    CorruptBatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
