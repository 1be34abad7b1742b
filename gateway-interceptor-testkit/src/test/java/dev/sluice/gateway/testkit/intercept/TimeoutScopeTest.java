package dev.sluice.gateway.testkit.intercept;

import static dev.sluice.gateway.testkit.intercept.Requests.produce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The interceptor timeout counts an interceptor's own time, never the broker's. */
class TimeoutScopeTest {

    @Test
    void aSlowBrokerDoesNotTimeOutAnInterceptorThatPassedTheRequestOn() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).name("pass")
                        .use(chain -> chain.proceed()))
                .upstream(BrokerScript.manual())
                .interceptorTimeout(Duration.ofSeconds(5))
                .build();

        Exchange exchange = tester.send(produce("orders", (short) -1));
        tester.advanceTime(Duration.ofSeconds(31));
        assertThat(exchange.isComplete()).as("still waiting for the broker, not timed out").isFalse();

        exchange.respondUpstream(new ProduceResponseData());
        assertThat(exchange.error()).isEqualTo(Errors.NONE);
        assertThat(tester.failures()).isEmpty();
    }

    @Test
    void theClockRestartsWhenTheAnswerIsBackAndCatchesASlowResponseStep() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).name("stuck-on-the-way-back")
                        .use(chain -> chain.proceed().thenCompose(response -> never.thenApply(v -> response))))
                .upstream(BrokerScript.manual())
                .interceptorTimeout(Duration.ofSeconds(5))
                .build();

        Exchange exchange = tester.send(produce("orders", (short) -1));
        tester.advanceTime(Duration.ofSeconds(60));
        exchange.respondUpstream(new ProduceResponseData());
        tester.advanceTime(Duration.ofSeconds(5));

        assertThat(exchange.error()).isEqualTo(Errors.REQUEST_TIMED_OUT);
        assertThat(tester.failures()).singleElement()
                .satisfies(failure -> assertThat(failure.interceptor()).isEqualTo("stuck-on-the-way-back"));
    }
}
