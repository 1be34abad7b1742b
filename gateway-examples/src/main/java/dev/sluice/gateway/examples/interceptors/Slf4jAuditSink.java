package dev.sluice.gateway.examples.interceptors;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditSink#slf4j()}: one logfmt line per event, at INFO, on logger {@code sluice.audit}.
 * Values are escaped, so a client id with a line break or quotes cannot forge a line or a field.
 */
final class Slf4jAuditSink implements AuditSink {

    static final Slf4jAuditSink INSTANCE = new Slf4jAuditSink();

    private static final Logger LOG = LoggerFactory.getLogger("sluice.audit");

    private Slf4jAuditSink() {}

    @Override
    public void record(AuditEvent event) {
        if (LOG.isInfoEnabled()) {
            LOG.info(line(event));
        }
    }

    /** The event as one logfmt line. */
    static String line(AuditEvent event) {
        StringBuilder line = new StringBuilder(256);
        field(line, "time", event.time().toString());
        field(line, "gateway", event.gateway());
        field(line, "conn", Long.toString(event.connectionId()));
        field(line, "remote", address(event.remoteAddress()));
        field(line, "client", event.clientId());
        field(line, "principal", event.principal());
        field(line, "api", event.api().name);
        field(line, "version", Short.toString(event.apiVersion()));
        field(line, "topics", list(event.topics()));
        if (!event.unresolvedTopicIds().isEmpty()) {
            field(line, "unresolved_topic_ids", String.join(",", event.unresolvedTopicIds()));
        }
        field(line, "outcome", event.outcome().name());
        field(line, "errors", event.errors().isEmpty() ? null : errors(event.errors()));
        field(line, "error_count", Integer.toString(event.errorCount()));
        field(line, "latency_us", Long.toString(event.latency().toNanos() / 1_000));
        return line.toString();
    }

    /** The list comma-separated, or {@code null} (an empty value) when empty. */
    private static @Nullable String list(List<String> values) {
        return values.isEmpty() ? null : String.join(",", values);
    }

    /** {@code NAME:count,...} in the order of the error codes. */
    private static String errors(Map<Errors, Integer> errors) {
        StringBuilder list = new StringBuilder();
        new TreeMap<>(errors).forEach((error, count) -> {
            if (list.length() > 0) {
                list.append(',');
            }
            list.append(error.name()).append(':').append(count);
        });
        return list.toString();
    }

    private static String address(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void field(StringBuilder line, String key, @Nullable String value) {
        if (line.length() > 0) {
            line.append(' ');
        }
        line.append(key).append('=');
        if (value == null) {
            return;
        }
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '"' || c == '=' || c == '\\'
                || Character.isISOControl(c))) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\' -> line.append('\\').append(c);
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }

    @Override
    public String toString() {
        return "AuditSink.slf4j()";
    }
}
