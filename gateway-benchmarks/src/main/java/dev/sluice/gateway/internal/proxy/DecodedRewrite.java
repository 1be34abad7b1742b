package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.routing.AddressMapping;
import io.netty.buffer.ByteBuf;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * One small response that the gateway decodes to rewrite (FindCoordinator, DescribeCluster), ready
 * to go through the two paths the benchmarks compare: the full decode/rewrite/re-encode baseline and
 * the gateway's {@link AddressRewritingProcessor}. Owns its frame until {@link #release()}.
 */
final class DecodedRewrite {

    private final ApiKeys key;
    private final short version;
    private final ByteBuf frame;
    private final int named;
    private final AddressMapping mapping;
    private final AddressRewritingProcessor processor;
    private final ProxySession session;

    /**
     * @param named how many brokers the response names (the baseline checks it)
     */
    DecodedRewrite(ApiKeys key, short version, ApiMessage response, List<BrokerNode> brokers, int named) {
        this.key = key;
        this.version = version;
        this.frame = BenchmarkFixtures.responseFrame(key, version, response);
        this.named = named;
        this.mapping = AddressMapping.fromRouting(BenchmarkFixtures.routing(brokers));
        BrokerRegistry registry = BenchmarkFixtures.registry(brokers);
        this.processor = new AddressRewritingProcessor(registry);
        this.session = BenchmarkFixtures.session(registry);
        rewrite();
    }

    /** Decode, list brokers, rewrite, re-encode; returns the result's size. */
    int rewrite() {
        return BenchmarkFixtures.sizeAndRelease(BenchmarkFixtures.fullRewrite(frame, key, version, mapping, named));
    }

    /** The same through the gateway's response processor (registry lookup included). */
    int processor() {
        return BenchmarkFixtures.throughProcessor(processor, session, frame, key, version);
    }

    void release() {
        frame.release();
    }
}
