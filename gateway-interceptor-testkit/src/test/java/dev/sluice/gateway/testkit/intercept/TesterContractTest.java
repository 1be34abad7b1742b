package dev.sluice.gateway.testkit.intercept;

import static dev.sluice.gateway.testkit.intercept.Requests.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tester's own contract: threads, time, and a builder that fails fast. */
class TesterContractTest {

    private static final InterceptorSpec PASS = InterceptorSpec.on(Api.PRODUCE).name("pass").use(chain -> chain.proceed());

    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopWorker() {
        worker.shutdownNow();
    }

    @Test
    void interceptorThatCompletesOnItsOwnThreadIsAwaited() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).use(chain -> CompletableFuture
                .supplyAsync(() -> "checked", worker)
                .thenCompose(verdict -> chain.proceed())));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.awaitResponse(Duration.ofSeconds(10)).apiKey()).isEqualTo(Api.PRODUCE.key());
        assertThat(exchange.forwarded()).isPresent();
    }

    @Test
    void stageCompletedByTheTestItselfCompletesTheExchangeAtOnce() {
        CompletableFuture<Boolean> allowed = new CompletableFuture<>();
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).use(chain -> allowed
                .thenCompose(yes -> yes ? chain.proceed() : chain.fail(Errors.POLICY_VIOLATION, "no"))));
        Exchange exchange = tester.send(produce("orders", (short) 1));
        assertThat(exchange.isComplete()).isFalse();

        allowed.complete(false);

        assertThat(exchange.error()).isEqualTo(Errors.POLICY_VIOLATION);
    }

    @Test
    void awaitResponseGivesUpAfterItsTimeout() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE)
                .use(chain -> new CompletableFuture<>()));
        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThatThrownBy(() -> exchange.awaitResponse(Duration.ofMillis(20)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no answer to Produce v11 within PT0.02S");
    }

    @Test
    void testerRefusesCallsFromOtherThreads() throws Exception {
        InterceptorTester tester = InterceptorTester.of(PASS);
        AtomicReference<Throwable> thrown = new AtomicReference<>();

        worker.submit(() -> {
            try {
                tester.send(produce("orders", (short) 1));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).get();

        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("confined to the thread that built it");
    }

    @Test
    void timeNeverMovesBackward() {
        InterceptorTester tester = InterceptorTester.of(PASS);

        assertThatThrownBy(() -> tester.advanceTime(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
    }

    @Test
    void builderRefusesTheSameSpecTwice() {
        assertThatThrownBy(() -> InterceptorTester.builder(PASS, PASS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interceptor pass is already registered");
    }

    @Test
    void builderRefusesRepeatedSettingsQuotingThem() {
        assertThatThrownBy(() -> InterceptorTester.builder(PASS).interceptorTimeout(Duration.ofSeconds(1))
                .interceptorTimeout(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("interceptorTimeout already set to PT1S, cannot set PT2S");
        assertThatThrownBy(() -> InterceptorTester.builder(PASS).upstream(BrokerScript.manual())
                .upstream(BrokerScript.manual()))
                .isInstanceOf(IllegalStateException.class).hasMessage("upstream(...) already set");
        assertThatThrownBy(() -> InterceptorTester.builder(PASS).connection(c -> { }).connection(c -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessage("connection(...) already set");
    }

    @Test
    void builderRefusesATimeoutThatIsNotPositive() {
        assertThatThrownBy(() -> InterceptorTester.builder(PASS).interceptorTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interceptorTimeout must be positive, got PT0S");
    }

    @Test
    void defaultsAreTheGatewaysTimeoutAndAnAnonymousClient() {
        InterceptorTester tester = InterceptorTester.of(PASS);

        assertThat(tester.interceptorTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(tester.connection().context().saslPrincipal()).isNull();
        assertThat(tester.connection().context().id()).isEqualTo(1);
        assertThat(tester.newConnection().context().id()).isEqualTo(2);
    }
}
