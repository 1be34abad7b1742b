package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.cluster.ListenerManager;
import dev.sluice.gateway.internal.cluster.Route;
import dev.sluice.gateway.internal.codec.FrameLimits;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import dev.sluice.gateway.routing.AddressMapping;
import dev.sluice.gateway.routing.BrokerAddressRewriter;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

/**
 * What the benchmarks share: the allocator the gateway uses, a small cluster of brokers with
 * realistic names, a planned {@link PortPerBrokerRouting}, a {@link BrokerRegistry} that never binds
 * a socket, and response frames encoded the way a broker sends them.
 *
 * <p>Lives in the gateway's own internal package (on the class path, no JPMS) so that the
 * benchmarks drive the package-private processors and the in-flight ring directly, without
 * widening their visibility in production.
 */
final class BenchmarkFixtures {

    /** The allocator of every gateway channel: pooled, direct by default. */
    static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private BenchmarkFixtures() {}

    /** Brokers 1..count, named and placed the way a cloud cluster names them. */
    static List<BrokerNode> brokers(int count) {
        List<BrokerNode> brokers = new ArrayList<>(count);
        for (int id = 1; id <= count; id++) {
            brokers.add(new BrokerNode(id, "kafka-" + id + ".kafka-headless.data.svc.cluster.local", 9092,
                    "eu-west-1" + (char) ('a' + (id - 1) % 3)));
        }
        return brokers;
    }

    /** A port-per-broker routing that has already planned {@code brokers}. */
    static PortPerBrokerRouting routing(List<BrokerNode> brokers) {
        PortPerBrokerRouting routing = PortPerBrokerRouting.builder()
                .advertisedHost("kafka.gateway.example.com")
                .bootstrapPort(19092)
                .build();
        routing.plan(brokers);
        return routing;
    }

    /**
     * A registry that already knows {@code brokers} and whose routing answers with {@code routing}'s
     * addresses, but plans no listener (so no socket is ever bound): {@link BrokerRegistry#learn}
     * of the same brokers then costs what it costs on a warm gateway.
     */
    static BrokerRegistry registry(List<BrokerNode> brokers) {
        PortPerBrokerRouting routing = routing(brokers);
        RoutingStrategy noListeners = new RoutingStrategy() {
            @Override
            public List<ListenerSpec> plan(Collection<BrokerNode> known) {
                return List.of();
            }

            @Override
            public @Nullable HostPort advertisedAddress(int brokerId) {
                return routing.advertisedAddress(brokerId);
            }

            @Override
            public HostPort bootstrapAddress() {
                return routing.bootstrapAddress();
            }
        };
        ListenerManager listeners = new ListenerManager(new ServerBootstrap(), "127.0.0.1", (route, spec) -> {
            throw new IllegalStateException("benchmarks bind no listener");
        });
        BrokerRegistry registry = new BrokerRegistry(List.of(Route.plaintext("benchmark", noListeners)), listeners, Long.MAX_VALUE, System::nanoTime,
                List.of(routing.bootstrapAddress()));
        registry.open().join();
        registry.learn(brokers).join();
        return registry;
    }

    /**
     * The full-decode baseline the rewrite benchmarks compare with: decode the whole response with
     * kafka-clients' classes, check it names {@code expectedBrokers}, rewrite them, re-encode it all.
     * Returns the new frame (the caller releases it); {@code frame} is left as it was.
     */
    static ByteBuf fullRewrite(ByteBuf frame, ApiKeys key, short version, AddressMapping mapping, int expectedBrokers) {
        int start = Headers.responseBodyStart(frame, key, version);
        ApiMessage message = MessageCodec.readResponse(frame, start, key, version);
        if (BrokerAddressRewriter.brokersIn(message, version).size() != expectedBrokers
                || !BrokerAddressRewriter.rewrite(message, version, mapping)) {
            throw new IllegalStateException("nothing rewritten in " + key + " v" + version);
        }
        return MessageCodec.reencode(ALLOC, frame, start, message, version);
    }

    /** One response through a gateway response processor (which takes a reference); returns its size. */
    static int throughProcessor(ResponseProcessor processor, ProxySession session, ByteBuf frame, ApiKeys key,
            short version) {
        return sizeAndRelease((ByteBuf) processor.process(session, frame.retain(), key, version));
    }

    /**
     * A session of the registry's route on an unconnected embedded channel: what a response
     * processor asks for the addresses its client is told.
     */
    static ProxySession session(BrokerRegistry registry) {
        ProxyConfig config = new ProxyConfig(FrameLimits.unauthenticated(100 << 20),
                FrameLimits.unauthenticated(100 << 20), 1024, 10, 1000, 256 << 10, 1 << 20, "bench", 0);
        return EmbeddedSession.newSession(registry, config, List.of(), new EmbeddedChannel());
    }

    /** The readable size of {@code out}, after releasing it. */
    static int sizeAndRelease(ByteBuf out) {
        int size = out.readableBytes();
        out.release();
        return size;
    }

    /** A whole response frame (size prefix, header, body) in a pooled direct buffer. */
    static ByteBuf responseFrame(ApiKeys key, short version, ApiMessage body) {
        return MessageCodec.encodeResponse(ALLOC, key, version, 42, body);
    }

    /** {@code latest} means the newest stable version kafka-clients knows; otherwise a number. */
    static short version(ApiKeys key, String param) {
        short version = "latest".equals(param) ? key.latestVersion() : Short.parseShort(param);
        if (version < key.oldestVersion() || version > key.latestVersion()) {
            throw new IllegalArgumentException(key + " has no version " + param + " (supported "
                    + key.oldestVersion() + ".." + key.latestVersion() + ")");
        }
        return version;
    }
}
