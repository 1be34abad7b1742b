package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import dev.sluice.gateway.routing.BrokerAddressRewriter;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * FindCoordinator and DescribeCluster answers (small by nature): decoded with kafka-clients' classes, the
 * brokers they name registered (opening listeners for new ones before the client can learn their
 * address), every broker address replaced with the gateway's, re-encoded only if something
 * changed.
 */
final class AddressRewritingProcessor implements ResponseProcessor {

    private final BrokerRegistry registry;

    AddressRewritingProcessor(BrokerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Object process(ProxySession session, ByteBuf frame, ApiKeys key, short version) {
        int bodyStart = Headers.responseBodyStart(frame, key, version);
        ApiMessage message = MessageCodec.readResponse(frame, bodyStart, key, version);
        List<BrokerNode> named = BrokerAddressRewriter.brokersIn(message, version);
        CompletableFuture<Void> listenersReady = registry.learn(named);
        if (listenersReady.isDone()) {
            return rewrite(session, frame, bodyStart, message, version);
        }
        return listenersReady.thenApply(v -> {
            try {
                return rewrite(session, frame, bodyStart, message, version);
            } catch (RuntimeException e) {
                frame.release();
                throw e;
            }
        });
    }

    private ByteBuf rewrite(ProxySession session, ByteBuf frame, int bodyStart, ApiMessage message, short version) {
        if (!BrokerAddressRewriter.rewrite(message, version, session.addresses())) {
            return frame;
        }
        ByteBuf out = MessageCodec.reencode(frame.alloc(), frame, bodyStart, message, version);
        frame.release();
        return out;
    }
}
