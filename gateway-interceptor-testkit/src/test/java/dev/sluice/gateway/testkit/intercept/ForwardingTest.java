package dev.sluice.gateway.testkit.intercept;

import static dev.sluice.gateway.testkit.intercept.Requests.produce;
import static dev.sluice.gateway.testkit.intercept.Requests.produced;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Requests that interceptors pass on, changed or not, and the broker's answers on their way back. */
class ForwardingTest {

    @Test
    void passThroughForwardsTheRequestAndReturnsTheBrokersAnswer() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(chain -> chain.proceed()))
                .upstream(Requests::produced)
                .build();
        KafkaRequest request = produce("orders", (short) -1);

        Exchange exchange = tester.send(request);

        assertThat(exchange.forwarded()).hasValueSatisfying(forwarded -> {
            assertThat(forwarded.body()).isEqualTo(request.body()).isNotSameAs(request.body());
            assertThat(forwarded.apiVersion()).isEqualTo(request.apiVersion());
        });
        assertThat(exchange.response().body()).isEqualTo(produced(request));
        assertThat(exchange.error()).isEqualTo(Errors.NONE);
        assertThat(tester.failures()).isEmpty();
    }

    @Test
    void interceptorThatRewritesTheRequestForwardsTheRewrite() {
        Interceptor acksAll = chain -> {
            ProduceRequestData produce = chain.request().body(Api.PRODUCE).duplicate().setAcks((short) -1);
            return chain.proceed(chain.request().withBody(produce));
        };
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).use(acksAll));

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.forwarded()).get().extracting(r -> r.body(Api.PRODUCE).acks()).isEqualTo((short) -1);
        assertThat(exchange.request().body(Api.PRODUCE).acks()).isEqualTo((short) 1);
    }

    @Test
    void interceptorThatChangesTheResponseChangesWhatTheClientGets() {
        Interceptor hideInternal = chain -> chain.proceed().thenApply(response -> {
            response.body(Api.METADATA).topics().removeIf(topic -> topic.name().startsWith("_"));
            return response;
        });
        MetadataResponseData metadata = new MetadataResponseData();
        metadata.topics().add(new MetadataResponseData.MetadataResponseTopic().setName("_internal"));
        metadata.topics().add(new MetadataResponseData.MetadataResponseTopic().setName("orders"));
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.METADATA).use(hideInternal))
                .upstream(request -> metadata)
                .build();

        Exchange exchange = tester.send(Requests.metadata());

        assertThat(exchange.response().body(Api.METADATA).topics())
                .extracting(MetadataResponseData.MetadataResponseTopic::name).containsExactly("orders");
        assertThat(metadata.topics()).as("the script's own object").hasSize(2);
    }

    @Test
    void requestWaitsForTheTestToAnswerWhenTheScriptDoesNot() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(chain -> chain.proceed()))
                .upstream(BrokerScript.manual())
                .build();
        KafkaRequest request = produce("orders", (short) 1);

        Exchange exchange = tester.send(request);

        assertThat(exchange.isComplete()).isFalse();
        assertThat(exchange.upstreamCall()).get().extracting(UpstreamCall::isAnswered).isEqualTo(false);
        assertThatThrownBy(exchange::response).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("respondUpstream");

        exchange.respondUpstream(produced(request));

        assertThat(exchange.isComplete()).isTrue();
        assertThat(exchange.response().body(Api.PRODUCE).responses()).hasSize(1);
        assertThatThrownBy(() -> exchange.respondUpstream(produced(request)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered already");
    }

    @Test
    void interceptorsRunInRegistrationOrderOnRequestsAndInReverseOnResponses() {
        List<String> seen = new ArrayList<>();
        InterceptorSpec outer = InterceptorSpec.on(Api.PRODUCE).name("outer").use(recording("outer", seen));
        InterceptorSpec inner = InterceptorSpec.on(Api.PRODUCE).name("inner").use(recording("inner", seen));
        InterceptorTester tester = InterceptorTester.builder(outer, inner)
                .upstream(request -> {
                    seen.add("broker");
                    return produced(request);
                })
                .build();

        tester.send(produce("orders", (short) 1)).response();

        assertThat(seen).containsExactly("outer request", "inner request", "broker", "inner response", "outer response");
    }

    @Test
    void brokerAnswersAfterTheInterceptorHasReturnedFromIntercept() {
        List<String> seen = new ArrayList<>();
        Interceptor interceptor = chain -> {
            var stage = chain.proceed().thenApply(response -> {
                seen.add("response");
                return response;
            });
            seen.add("after proceed");
            return stage;
        };
        InterceptorTester tester = InterceptorTester.of(InterceptorSpec.on(Api.PRODUCE).use(interceptor));

        tester.send(produce("orders", (short) 1));

        assertThat(seen).containsExactly("after proceed", "response");
    }

    @Test
    void brokerAnswerThatIsNotAResponseOfTheRequestsApiFailsTheTest() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(chain -> chain.proceed()))
                .upstream(request -> new MetadataResponseData())
                .build();

        assertThatThrownBy(() -> tester.send(produce("orders", (short) 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broker script's answer")
                .hasMessageContaining("MetadataResponseData does not answer a Produce v11 request");
    }

    @Test
    void produceWithAcksZeroIsAnsweredAtOnceAsTheGatewayExpectsNothingFromTheBroker() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.PRODUCE).use(chain -> chain.proceed()))
                .upstream(BrokerScript.manual())
                .build();

        Exchange exchange = tester.send(produce("orders", (short) 0));

        assertThat(exchange.upstreamCall()).get().extracting(UpstreamCall::isAnswered).isEqualTo(true);
        assertThat(exchange.response().body()).isEqualTo(new ProduceResponseData());
    }

    @Test
    void requestsNoInterceptorCoversGoStraightToTheBroker() {
        InterceptorTester tester = InterceptorTester.builder(InterceptorSpec.on(Api.FETCH).use(chain -> {
            throw new AssertionError("not for produce");
        })).upstream(Requests::produced).build();

        Exchange exchange = tester.send(produce("orders", (short) 1));

        assertThat(exchange.forwarded()).isPresent();
        assertThat(exchange.error()).isEqualTo(Errors.NONE);
    }

    private static Interceptor recording(String name, List<String> seen) {
        return chain -> {
            seen.add(name + " request");
            return chain.proceed().thenApply(response -> {
                seen.add(name + " response");
                return response;
            });
        };
    }
}
