package dev.sluice.gateway.testkit.intercept;

import static dev.sluice.gateway.testkit.intercept.Requests.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Interceptors that break their contract: the client gets an error response, and the failure is reported. */
class FailureTest {

    @Test
    void interceptorThatThrowsGivesUnknownServerErrorAndIsReportedByName() {
        IllegalStateException bug = new IllegalStateException("bug");
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).name("buggy").use(chain -> {
            throw bug;
        }));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.forwarded()).isEmpty();
        assertThat(exchange.error()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(tester.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.interceptor()).isEqualTo("buggy");
            assertThat(failure.cause()).isSameAs(bug);
            assertThat(failure.connectionId()).isEqualTo(tester.connection().context().id());
            assertThat(failure.request().apiKey()).isEqualTo(Api.PRODUCE.key());
        });
    }

    @Test
    void stageThatCompletesExceptionallyGivesUnknownServerError() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).name("async-bug")
                .use(chain -> chain.proceed().thenApply(response -> {
                    throw new IllegalArgumentException("cannot read the response");
                })));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.forwarded()).isPresent();
        assertThat(exchange.error()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(tester.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.interceptor()).isEqualTo("async-bug");
            assertThat(failure.cause()).isInstanceOf(IllegalArgumentException.class);
        });
    }

    @Test
    void interceptorThatProceedsTwiceIsToldSoByNameAndReported() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).name("twice").use(chain -> {
            chain.proceed();
            return chain.proceed();
        }));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.error()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(tester.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.interceptor()).isEqualTo("twice");
            assertThat(failure.cause()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("interceptor twice must call proceed() at most once");
        });
    }

    @Test
    void stageThatNeverCompletesTimesOutWithRequestTimedOutOnlyOnceTheTimeoutHasPassed() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).name("stuck")
                        .use(chain -> new CompletableFuture<>()))
                .interceptorTimeout(Duration.ofSeconds(5))
                .build();

        Exchange exchange = tester.send(produce("orders", (short) 1));
        tester.advanceTime(Duration.ofMillis(4_999));

        assertThat(exchange.isComplete()).isFalse();
        assertThatThrownBy(exchange::response).hasMessageContaining("advanceTime");

        tester.advanceTime(Duration.ofMillis(1));

        assertThat(exchange.error()).isEqualTo(Errors.REQUEST_TIMED_OUT);
        assertThat(tester.elapsed()).isEqualTo(Duration.ofSeconds(5));
        assertThat(tester.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.interceptor()).isEqualTo("stuck");
            assertThat(failure.cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("5000 ms");
        });
    }

    @Test
    void stageCompletedBeforeTheTimeoutIsNotTimedOutLater() {
        CompletableFuture<KafkaResponse> later = new CompletableFuture<>();
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).use(chain -> {
            chain.proceed().thenAccept(later::complete);
            return later;
        }));

        Exchange exchange = tester.send(produce("orders", (short) 1));
        tester.advanceTime(Duration.ofMinutes(5));

        assertThat(exchange.error()).isEqualTo(Errors.NONE);
        assertThat(tester.failures()).isEmpty();
    }

    @Test
    void answerOfAnotherApiIsAFailureOfTheInterceptor() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).name("confused")
                .use(chain -> chain.respond(new MetadataResponseData())));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.error()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(tester.failures()).singleElement().extracting(ReportedFailure::interceptor).isEqualTo("confused");
    }

    @Test
    void failingWithErrorsNoneIsAFailureOfTheInterceptor() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).name("none")
                .use(chain -> chain.fail(Errors.NONE, "fine")));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.error()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(tester.failures()).singleElement().satisfies(failure -> assertThat(failure.cause())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Errors.NONE"));
    }

    @Test
    void brokerScriptThatThrowsFailsTheTestNotTheInterceptor() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(chain -> chain.proceed()))
                .upstream(request -> {
                    throw new UnsupportedOperationException("script incomplete");
                })
                .build();

        assertThatThrownBy(() -> tester.send(produce("orders", (short) 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the broker script threw on Produce v11")
                .hasRootCauseInstanceOf(UnsupportedOperationException.class);
        assertThat(tester.failures()).isEmpty();
    }

    @Test
    void requestItsVersionCannotCarryIsRefusedBeforeAnyInterceptorRuns() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(ApiKeys.OFFSET_COMMIT).use(chain -> {
            throw new IllegalStateException("must not run");
        }));
        // group_instance_id arrived in OffsetCommit v7
        KafkaRequest request = KafkaRequest.of(ApiKeys.OFFSET_COMMIT, (short) 2, null,
                new OffsetCommitRequestData().setGroupId("g").setGroupInstanceId("static-1"));

        assertThatThrownBy(() -> tester.send(request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OffsetCommit v2 request cannot be encoded at its version");
        assertThat(tester.failures()).isEmpty();
    }
}
