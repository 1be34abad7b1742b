package dev.sluice.gateway.examples.interceptors;

import static dev.sluice.gateway.examples.interceptors.FakeChain.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChaosInterceptorTest {

    private static final FakeConnection CONNECTION = FakeConnection.of("loadgen", null);
    private static final short ACKS_ALL = -1;

    @Test
    void theSameSeedMakesTheSameDecisionsAndAnotherSeedOthers() {
        List<String> first = defaultsWithSeed(42, 500);
        List<String> again = defaultsWithSeed(42, 500);
        List<String> other = defaultsWithSeed(43, 500);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(first).contains("forwarded", "closed", "NOT_LEADER_OR_FOLLOWER", "REQUEST_TIMED_OUT")
                .anySatisfy(outcome -> assertThat(outcome).startsWith("forwarded after "))
                .anySatisfy(outcome -> assertThat(outcome).matches("[A-Z_]+ after .*"));
    }

    @Test
    void ratesAreObservedOverManyRequests() {
        ManualScheduler scheduler = new ManualScheduler();
        ChaosInterceptor chaos = ChaosInterceptor.builder().seed(7).scheduler(scheduler)
                .latency(0.1, Duration.ofMillis(1), Duration.ofMillis(2))
                .errors(0.05, Errors.NOT_LEADER_OR_FOLLOWER).dropRate(0.01).build();

        List<String> outcomes = outcomes(chaos, scheduler, 20_000);

        assertThat(outcomes.stream().filter("closed"::equals).count()).isBetween(150L, 250L);
        assertThat(outcomes.stream().filter(outcome -> outcome.startsWith("NOT_LEADER")).count())
                .isBetween(850L, 1150L);
        assertThat(scheduler.delaysNanos).hasSizeBetween(1800, 2200);
    }

    @Test
    void withEveryRateAtZeroRequestsPassUnchangedAndAtOnce() {
        ChaosInterceptor calm = ChaosInterceptor.builder().latency(0, Duration.ZERO, Duration.ofSeconds(10))
                .errors(0, Errors.NOT_LEADER_OR_FOLLOWER).dropRate(0).build();
        for (int i = 0; i < 100; i++) {
            KafkaRequest request = Messages.produce((short) 9, ACKS_ALL, "loadgen", "orders");
            FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::produced);

            now(calm.intercept(chain));

            assertThat(chain.forwarded()).isSameAs(request);
        }
    }

    @Test
    void aDroppedRequestClosesTheConnectionWithoutReachingTheBroker() {
        ChaosInterceptor dropAll = ChaosInterceptor.builder().dropRate(1).build();
        FakeChain chain = FakeChain.unreachable(Messages.produce((short) 9, ACKS_ALL, "loadgen", "orders"),
                CONNECTION);

        CompletableFuture<KafkaResponse> stage = dropAll.intercept(chain).toCompletableFuture();

        assertThat(chain.closedBecause()).isEqualTo("chaos: dropped the connection at Produce v9 from loadgen");
        assertThat(stage).isCompletedExceptionally();
    }

    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {3, 8, 13})
    void anInjectedProduceErrorFailsEveryPartitionWithoutReachingTheBroker(short version) {
        ChaosInterceptor failAll = failing(Errors.NOT_LEADER_OR_FOLLOWER);
        FakeChain chain = FakeChain.unreachable(Messages.produce(version, ACKS_ALL, "loadgen", "orders", "payments"),
                CONNECTION);

        KafkaResponse response = now(failAll.intercept(chain));

        assertThat(response.body(Api.PRODUCE).responses()).hasSize(2).allSatisfy(topic ->
                assertThat(topic.partitionResponses()).allSatisfy(partition -> {
                    assertThat(partition.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
                    assertThat(partition.errorMessage()).isEqualTo(
                            "chaos: injected NOT_LEADER_OR_FOLLOWER by the gateway");
                }));
    }

    @ParameterizedTest(name = "Fetch v{0}")
    @ValueSource(shorts = {4, 12})
    void anInjectedFetchErrorFailsEveryPartition(short version) {
        ChaosInterceptor failAll = failing(Errors.REQUEST_TIMED_OUT);
        FakeChain chain = FakeChain.unreachable(Messages.fetch(version, "loadgen", "orders"), CONNECTION);

        KafkaResponse response = now(failAll.intercept(chain));

        assertThat(response.body(Api.FETCH).responses()).singleElement().satisfies(topic ->
                assertThat(topic.partitions()).singleElement().extracting(FetchResponseData.PartitionData::errorCode)
                        .isEqualTo(Errors.REQUEST_TIMED_OUT.code()));
    }

    /**
     * Fetch v13+ names topics by id, and kafka-clients' error response for it (which the runtime's
     * {@code fail} uses) carries only the top-level error: consumers reset their fetch session and
     * retry, they do not refresh metadata as a per-partition NOT_LEADER_OR_FOLLOWER would make them.
     */
    @ParameterizedTest(name = "Fetch v{0}")
    @ValueSource(shorts = {13, 17})
    void anInjectedFetchErrorByTopicIdIsATopLevelError(short version) {
        ChaosInterceptor failAll = failing(Errors.NOT_LEADER_OR_FOLLOWER);
        FakeChain chain = FakeChain.unreachable(Messages.fetch(version, "loadgen", "orders"), CONNECTION);

        FetchResponseData response = now(failAll.intercept(chain)).body(Api.FETCH);

        assertThat(response.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(response.responses()).isEmpty();
    }

    @Test
    void latencyHoldsTheResponseBackOnTheSchedulerForTheDrawnDelay() {
        ManualScheduler scheduler = new ManualScheduler();
        ChaosInterceptor slow = ChaosInterceptor.builder().seed(1).scheduler(scheduler)
                .latency(1, Duration.ofMillis(250), Duration.ofMillis(250))
                .errors(0, Errors.NOT_LEADER_OR_FOLLOWER).dropRate(0).build();
        KafkaRequest request = Messages.produce((short) 9, ACKS_ALL, "loadgen", "orders");
        FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::produced);

        CompletableFuture<KafkaResponse> stage = slow.intercept(chain).toCompletableFuture();

        assertThat(chain.forwarded()).as("forwarded at once").isSameAs(request);
        assertThat(stage).isNotDone();
        assertThat(scheduler.delaysNanos).containsExactly(Duration.ofMillis(250).toNanos());
        scheduler.runAll();
        assertThat(now(stage).body(Api.PRODUCE).responses()).hasSize(1);
    }

    @Test
    void delaysAreDrawnWithinTheConfiguredRange() {
        ManualScheduler scheduler = new ManualScheduler();
        ChaosInterceptor slow = ChaosInterceptor.builder().seed(3).scheduler(scheduler)
                .latency(0.5, Duration.ofMillis(10), Duration.ofMillis(20)).errors(0, Errors.REQUEST_TIMED_OUT)
                .dropRate(0).build();

        outcomes(slow, scheduler, 1000);

        assertThat(scheduler.delaysNanos).hasSizeBetween(400, 600).allSatisfy(delay ->
                assertThat(delay).isBetween(Duration.ofMillis(10).toNanos(), Duration.ofMillis(20).toNanos()));
    }

    @Test
    void withoutASchedulerTheDelayRunsOnTheJdksDelayedExecutor() throws Exception {
        ChaosInterceptor slow = ChaosInterceptor.builder().latency(1, Duration.ofMillis(1), Duration.ofMillis(1))
                .errors(0, Errors.NOT_LEADER_OR_FOLLOWER).dropRate(0).build();
        KafkaRequest request = Messages.produce((short) 9, ACKS_ALL, "loadgen", "orders");

        KafkaResponse response = slow.intercept(FakeChain.answering(request, CONNECTION, Messages::produced))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(response.body(Api.PRODUCE).responses()).hasSize(1);
    }

    @Test
    void aShutDownSchedulerFailsTheDelayedRequestInsteadOfLosingIt() {
        ManualScheduler scheduler = new ManualScheduler();
        scheduler.shutdown();
        ChaosInterceptor slow = ChaosInterceptor.builder().scheduler(scheduler)
                .latency(1, Duration.ofMillis(5), Duration.ofMillis(5)).dropRate(0).errors(0, Errors.REQUEST_TIMED_OUT)
                .build();
        KafkaRequest request = Messages.produce((short) 9, ACKS_ALL, "loadgen", "orders");

        CompletableFuture<KafkaResponse> stage = slow.intercept(FakeChain.answering(request, CONNECTION,
                Messages::produced)).toCompletableFuture();

        assertThat(stage).isCompletedExceptionally();
    }

    @Test
    void specRegistersProduceAndFetchByDefaultOrTheConfiguredApis() {
        assertThat(ChaosInterceptor.builder().build().spec().apis())
                .containsExactlyInAnyOrder(ApiKeys.PRODUCE, ApiKeys.FETCH);
        assertThat(ChaosInterceptor.builder().apis(Api.OFFSET_COMMIT, Api.JOIN_GROUP).build().spec().apis())
                .containsExactlyInAnyOrder(ApiKeys.OFFSET_COMMIT, ApiKeys.JOIN_GROUP);
        assertThat(ChaosInterceptor.builder().build().spec().name()).isEqualTo("chaos");
    }

    @Test
    void builderRefusesBadValuesQuotingThem() {
        assertThatThrownBy(() -> ChaosInterceptor.builder().dropRate(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("drop rate must be in 0..1, got 1.5");
        assertThatThrownBy(() -> ChaosInterceptor.builder().errors(Double.NaN, Errors.REQUEST_TIMED_OUT))
                .hasMessage("error rate must be in 0..1, got NaN");
        assertThatThrownBy(() -> ChaosInterceptor.builder().latency(0.1, Duration.ofMillis(5), Duration.ofMillis(1)))
                .hasMessage("latency must be 0 <= min <= max, got PT0.005S..PT0.001S");
        assertThatThrownBy(() -> ChaosInterceptor.builder().errors(0.1, Errors.NONE))
                .hasMessage("errors must name at least one error, none twice and not NONE, got [NONE]");
        assertThatThrownBy(() -> ChaosInterceptor.builder().apis())
                .hasMessage("apis must name at least one API");
        assertThatThrownBy(() -> ChaosInterceptor.builder().apis(Api.FETCH, Api.FETCH))
                .hasMessage("apis must not repeat an API, got [Fetch, Fetch]");
    }

    @Test
    void builderRefusesASettingGivenTwiceQuotingBothValues() {
        assertThatThrownBy(() -> ChaosInterceptor.builder().seed(1).seed(2))
                .isInstanceOf(IllegalStateException.class).hasMessage("seed already set to 1, cannot set 2");
        assertThatThrownBy(() -> ChaosInterceptor.builder().dropRate(0.1).dropRate(0.2))
                .hasMessage("dropRate already set to 0.1, cannot set 0.2");
        assertThatThrownBy(() -> ChaosInterceptor.builder().apis(Api.FETCH).apis(Api.PRODUCE))
                .hasMessage("apis already set to [Fetch], cannot set [Produce]");
    }

    private static ChaosInterceptor failing(Errors error) {
        return ChaosInterceptor.builder().errors(1, error).dropRate(0).latency(0, Duration.ZERO, Duration.ZERO)
                .build();
    }

    /** The outcomes of {@code count} requests through a chaos interceptor at the defaults and {@code seed}. */
    private static List<String> defaultsWithSeed(long seed, int count) {
        ManualScheduler scheduler = new ManualScheduler();
        return outcomes(ChaosInterceptor.builder().seed(seed).scheduler(scheduler).build(), scheduler, count);
    }

    /**
     * What {@code chaos} did to each of {@code count} Produce requests: {@code closed}, {@code
     * forwarded} or the error injected, and {@code after <nanos>} when it delayed the answer.
     */
    private static List<String> outcomes(ChaosInterceptor chaos, ManualScheduler scheduler, int count) {
        List<String> outcomes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            KafkaRequest request = Messages.produce((short) 9, ACKS_ALL, "loadgen", "orders");
            FakeChain chain = FakeChain.answering(request, CONNECTION, Messages::produced);
            int delays = scheduler.delaysNanos.size();
            CompletableFuture<KafkaResponse> stage = chaos.intercept(chain).toCompletableFuture();
            scheduler.runAll();
            String delay = scheduler.delaysNanos.size() > delays
                    ? " after " + scheduler.delaysNanos.get(delays) : "";
            if (chain.closedBecause() != null) {
                outcomes.add("closed");
            } else if (chain.forwarded() != null) {
                outcomes.add("forwarded" + delay);
            } else {
                short code = now(stage).body(Api.PRODUCE).responses().iterator().next()
                        .partitionResponses().get(0).errorCode();
                outcomes.add(Errors.forCode(code).name() + delay);
            }
        }
        return outcomes;
    }

    /** A scheduler that only records what it is given, and runs it when the test says so. */
    private static final class ManualScheduler extends ScheduledThreadPoolExecutor {

        final List<Long> delaysNanos = new ArrayList<>();
        private final List<Runnable> tasks = new ArrayList<>();

        ManualScheduler() {
            super(0);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (isShutdown()) {
                throw new java.util.concurrent.RejectedExecutionException("shut down");
            }
            delaysNanos.add(unit.toNanos(delay));
            tasks.add(command);
            return null;
        }

        void runAll() {
            tasks.forEach(Runnable::run);
            tasks.clear();
        }
    }
}
