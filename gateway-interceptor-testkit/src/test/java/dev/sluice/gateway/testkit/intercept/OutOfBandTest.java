package dev.sluice.gateway.testkit.intercept;

import static dev.sluice.gateway.testkit.intercept.Requests.produce;
import static dev.sluice.gateway.testkit.intercept.Requests.produced;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Requests interceptors send of their own ({@code chain.send}): seen by the broker, never by the client. */
class OutOfBandTest {

    /** Lets a Produce through only to topics the broker knows, asking the broker first. */
    private static final Interceptor KNOWN_TOPICS_ONLY = chain -> {
        String topic = chain.request().body(Api.PRODUCE).topicData().iterator().next().name();
        return chain.send(Requests.metadata(topic)).thenCompose(metadata -> {
            boolean known = metadata.body(Api.METADATA).topics().stream()
                    .anyMatch(t -> t.name().equals(topic) && t.errorCode() == Errors.NONE.code());
            return known ? chain.proceed() : chain.fail(Errors.UNKNOWN_TOPIC_OR_PARTITION, topic + " is unknown");
        });
    };

    @Test
    void ownRequestReachesTheBrokerAndItsAnswerReachesTheInterceptor() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(KNOWN_TOPICS_ONLY))
                .upstream(request -> request.is(Api.METADATA) ? metadataWith("orders") : produced(request))
                .build();

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(tester.sent()).singleElement().satisfies(call -> {
            assertThat(call.outOfBand()).isTrue();
            assertThat(call.isAnswered()).isTrue();
            assertThat(call.request().body(Api.METADATA).topics()).singleElement()
                    .extracting(t -> t.name()).isEqualTo("orders");
        });
        assertThat(exchange.forwarded()).isPresent();
        assertThat(exchange.error()).isEqualTo(Errors.NONE);
    }

    @Test
    void testAnswersOwnRequestsTheScriptLeavesPending() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(KNOWN_TOPICS_ONLY))
                .upstream(BrokerScript.manual())
                .build();

        Exchange exchange = tester.send(produce("orders", (short) 1));
        assertThat(exchange.forwarded()).isEmpty();

        tester.sent().get(0).respond(metadataWith("payments"));

        assertThat(exchange.forwarded()).isEmpty();
        assertThat(exchange.error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void ownRequestThatFailsUpstreamFailsTheInterceptorsStage() {
        Interceptor askFirst = chain -> chain.send(Requests.metadata("orders"))
                .handle((metadata, error) -> error)
                .thenCompose(error -> error != null
                        ? chain.fail(Errors.COORDINATOR_NOT_AVAILABLE, "lookup failed: " + rootMessage(error))
                        : chain.proceed());
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(askFirst))
                .upstream(BrokerScript.manual())
                .build();
        Exchange exchange = tester.send(produce("orders", (short) 1));

        tester.sent().get(0).fail(new IOException("upstream connection closed"));

        assertThat(exchange.error()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThatThrownBy(() -> tester.sent().get(0).respond(new MetadataResponseData()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered already");
    }

    @Test
    void ownRequestsDoNotPassThroughTheInterceptors() {
        InterceptorSpec onMetadata = InterceptorSpec.on(Api.METADATA).use(chain -> {
            throw new AssertionError("an interceptor's own Metadata request must not come here");
        });
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(KNOWN_TOPICS_ONLY),
                        onMetadata)
                .upstream(request -> request.is(Api.METADATA) ? metadataWith("orders") : produced(request))
                .build();

        assertThat(tester.send(produce("orders", (short) 1)).error()).isEqualTo(Errors.NONE);
    }

    private static MetadataResponseData metadataWith(String topic) {
        MetadataResponseData metadata = new MetadataResponseData();
        metadata.topics().add(new MetadataResponseData.MetadataResponseTopic().setName(topic));
        return metadata;
    }

    private static String rootMessage(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null
                ? error.getCause().getMessage() : error.getMessage();
    }
}
