package dev.sluice.gateway.examples.interceptors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class Slf4jAuditSinkTest {

    private static final Instant TIME = Instant.parse("2026-01-05T10:15:30.120Z");

    @Test
    void anEventIsOneLogfmtLineWithEveryKeyInOrder() {
        AuditEvent event = event("billing", "alice", List.of("orders", "payments"), List.of(),
                Map.of(Errors.TOPIC_ALREADY_EXISTS, 1, Errors.POLICY_VIOLATION, 2));

        assertThat(Slf4jAuditSink.line(event)).isEqualTo("time=2026-01-05T10:15:30.120Z gateway=gw conn=7"
                + " remote=10.1.2.3:40000 client=billing principal=alice api=CreateTopics version=7"
                + " topics=orders,payments outcome=RESPONDED errors=TOPIC_ALREADY_EXISTS:1,POLICY_VIOLATION:2"
                + " error_count=3 latency_us=2130");
    }

    @Test
    void nullValuesAreEmptyAndUnresolvedIdsAppearOnlyWhenThereAreSome() {
        AuditEvent event = event(null, null, List.of(), List.of("AAAAAAAAAAAAAAAAAAAAAQ"), Map.of());

        assertThat(Slf4jAuditSink.line(event)).contains(" client= principal= api=")
                .contains(" topics= unresolved_topic_ids=AAAAAAAAAAAAAAAAAAAAAQ outcome=")
                .contains(" errors= error_count=0 ");
    }

    @Test
    void valuesAClientControlsAreQuotedAndEscapedSoTheyCannotForgeFields() {
        AuditEvent event = event("evil\" principal=admin\nfake=line", "", List.of(), List.of(), Map.of());

        assertThat(Slf4jAuditSink.line(event))
                .contains(" client=\"evil\\\" principal=admin\\nfake=line\" principal=\"\" api=")
                .doesNotContain("\n");
    }

    @Test
    void ipv6AddressesAreBracketed() {
        AuditEvent event = new AuditEvent(TIME, "gw", 7, new InetSocketAddress("::1", 40_000), "c", null,
                ApiKeys.PRODUCE, (short) 9, List.of(), List.of(), AuditEvent.Outcome.NO_RESPONSE, Map.of(),
                Duration.ZERO);

        assertThat(Slf4jAuditSink.line(event)).contains(" remote=[0:0:0:0:0:0:0:1]:40000 ")
                .contains(" outcome=NO_RESPONSE ");
    }

    private static AuditEvent event(@Nullable String clientId, @Nullable String principal, List<String> topics,
            List<String> unresolved, Map<Errors, Integer> errors) {
        return new AuditEvent(TIME, "gw", 7, FakeConnection.REMOTE, clientId, principal, ApiKeys.CREATE_TOPICS,
                (short) 7, topics, unresolved, AuditEvent.Outcome.RESPONDED, errors, Duration.ofNanos(2_130_400));
    }
}
