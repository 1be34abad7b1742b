package dev.sluice.gateway.testkit.intercept;

import static dev.sluice.gateway.testkit.intercept.Requests.produce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.AttributeKey;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Which interceptors see a request: API keys, versions, when(...) predicates; and their instances per connection. */
class ScopingTest {

    private static final Interceptor REFUSE = chain -> chain.fail(Errors.POLICY_VIOLATION, "refused");

    @Test
    void whenPredicateScopesTheInterceptorToMatchingConnections() {
        InterceptorSpec teamA = InterceptorSpec.on(Api.PRODUCE)
                .when(connection -> "team-a".equals(connection.saslPrincipal()))
                .use(REFUSE);
        InterceptorTester tester = InterceptorTester.builder(teamA)
                .connection(c -> c.saslPrincipal("team-a"))
                .build();

        assertThat(tester.send(produce("orders", (short) 1)).error()).isEqualTo(Errors.POLICY_VIOLATION);
        assertThat(tester.newConnection(c -> c.saslPrincipal("team-b")).send(produce("orders", (short) 1)).error())
                .isEqualTo(Errors.NONE);
    }

    @Test
    void whenPredicateSeesIdentityAsItIsAtEachRequest() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE)
                .when(connection -> !connection.authenticated()).use(REFUSE));

        assertThat(tester.send(produce("orders", (short) 1)).error()).isEqualTo(Errors.POLICY_VIOLATION);
        tester.connection().context().authenticated(true);
        assertThat(tester.send(produce("orders", (short) 1)).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void whenPredicateThatThrowsSkipsTheInterceptorAndIsReported() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).name("picky")
                .when(connection -> connection.saslPrincipal().isEmpty()).use(REFUSE));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.error()).isEqualTo(Errors.NONE);
        assertThat(tester.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.interceptor()).isEqualTo("picky");
            assertThat(failure.cause()).isInstanceOf(NullPointerException.class);
        });
    }

    @Test
    void versionsScopeTheInterceptorToARangeOfVersions() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE)
                .versions((short) 3, (short) 8).use(REFUSE));

        assertThat(tester.send(produce((short) 8, "orders", (short) 1)).error()).isEqualTo(Errors.POLICY_VIOLATION);
        assertThat(tester.send(produce((short) 9, "orders", (short) 1)).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void clientIdOfTheFirstRequestFillsTheConnectionsIdentityWhenTheTestLeftItUnset() {
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE)
                .when(connection -> "billing".equals(connection.clientId())).use(REFUSE));
        KafkaRequest fromBilling = KafkaRequest.of(Api.PRODUCE.key(), (short) 11, "billing",
                produce("orders", (short) 1).body());

        assertThat(tester.send(fromBilling).error()).isEqualTo(Errors.POLICY_VIOLATION);
        assertThat(tester.connection().context().clientId()).isEqualTo("billing");
        assertThat(tester.newConnection(c -> c.clientId("shipping")).send(fromBilling).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void perConnectionFactoryMakesOneInstancePerConnectionWhenFirstNeeded() {
        AtomicInteger made = new AtomicInteger();
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).perConnection(() -> {
            made.incrementAndGet();
            return new AllowTwo();
        }));
        assertThat(made).as("no request yet").hasValue(0);

        TestConnection first = tester.connection();
        assertThat(first.send(produce("orders", (short) 1)).error()).isEqualTo(Errors.NONE);
        assertThat(first.send(produce("orders", (short) 1)).error()).isEqualTo(Errors.NONE);
        assertThat(first.send(produce("orders", (short) 1)).error()).isEqualTo(Errors.THROTTLING_QUOTA_EXCEEDED);
        TestConnection second = tester.newConnection();
        assertThat(second.send(produce("orders", (short) 1)).error()).isEqualTo(Errors.NONE);

        assertThat(made).hasValue(2);
    }

    @Test
    void sharedInstanceServesEveryConnection() {
        AllowTwo shared = new AllowTwo();
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).use(shared));

        tester.send(produce("orders", (short) 1));
        tester.newConnection().send(produce("orders", (short) 1));

        assertThat(tester.newConnection().send(produce("orders", (short) 1)).error())
                .isEqualTo(Errors.THROTTLING_QUOTA_EXCEEDED);
    }

    @Test
    void attributesLiveWithTheirConnection() {
        AttributeKey<Integer> seen = AttributeKey.of("seen", Integer.class);
        Interceptor counting = chain -> {
            Integer before = chain.connection().attribute(seen);
            chain.connection().setAttribute(seen, before == null ? 1 : before + 1);
            return chain.proceed();
        };
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).use(counting));

        tester.send(produce("orders", (short) 1));
        tester.send(produce("orders", (short) 1));
        TestConnection other = tester.newConnection();
        other.send(produce("orders", (short) 1));

        assertThat(tester.connection().context().attribute(seen)).isEqualTo(2);
        assertThat(other.context().attribute(seen)).isEqualTo(1);
        assertThat(other.context().id()).isNotEqualTo(tester.connection().context().id());
    }

    /** Lets two requests through, then throttles: state a per-connection instance keeps. */
    private static final class AllowTwo implements Interceptor {
        private int requests;

        @Override
        public CompletionStage<KafkaResponse> intercept(Chain chain) {
            return ++requests <= 2 ? chain.proceed() : chain.fail(Errors.THROTTLING_QUOTA_EXCEEDED, "slow down");
        }
    }
}
