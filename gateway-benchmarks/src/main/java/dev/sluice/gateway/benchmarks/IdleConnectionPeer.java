package dev.sluice.gateway.benchmarks;

import dev.sluice.gateway.internal.codec.Frames;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * The other JVM of {@link IdleConnectionHeap}: a stand-in broker and the idle clients, kept out of the
 * gateway's heap.
 *
 * <p>The stand-in broker (node 0 on {@code 127.0.0.1}) answers ApiVersions (every API key at every
 * version kafka-clients knows) and Metadata (itself, no topics), which is all the gateway's cluster
 * discovery and an idle client ask, and holds every connection open. Anything else closes the
 * connection.
 *
 * <p>Line protocol on standard input/output: prints {@code BROKER <port>} when listening; {@code OPEN
 * <port> <n>} opens n more client connections to {@code 127.0.0.1:<port>}, each doing one ApiVersions
 * v3 round trip, and answers {@code OPENED <total>}; {@code CLOSE} closes them all, waits until the
 * gateway has closed the matching upstream connections, and answers {@code CLOSED}. Exits at the
 * end of its input.
 */
public final class IdleConnectionPeer {

    private IdleConnectionPeer() {}

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            accepted.add(ch);
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 0),
                                    new StandInBroker());
                        }
                    });
            Channel server = bootstrap.bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            StandInBroker.port = port;
            System.out.println("BROKER " + port);
            System.out.flush();

            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            List<Socket> clients = new ArrayList<>();
            int beforeClients = -1;
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                switch (words[0]) {
                    case "OPEN" -> {
                        if (beforeClients < 0) {
                            beforeClients = accepted.size();
                        }
                        int target = Integer.parseInt(words[1]);
                        int count = Integer.parseInt(words[2]);
                        for (int i = 0; i < count; i++) {
                            clients.add(connect(target, clients.size()));
                        }
                        System.out.println("OPENED " + clients.size());
                    }
                    case "CLOSE" -> {
                        for (Socket socket : clients) {
                            socket.close();
                        }
                        clients.clear();
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (accepted.size() > beforeClients && System.nanoTime() < deadline) {
                            Thread.sleep(10); // polls the broker's count of open connections
                        }
                        System.out.println("CLOSED " + accepted.size());
                    }
                    default -> throw new IllegalArgumentException("unknown command " + line);
                }
                System.out.flush();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** A client connection that has done one ApiVersions v3 round trip through the gateway. */
    private static Socket connect(int port, int id) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        ByteBuf request = MessageCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, ApiKeys.API_VERSIONS, (short) 3, id,
                "idle-" + id, new ApiVersionsRequestData().setClientSoftwareName("sluice-idle")
                        .setClientSoftwareVersion("1.0"));
        byte[] bytes = new byte[request.readableBytes()];
        request.readBytes(bytes);
        request.release();
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        DataInputStream response = new DataInputStream(socket.getInputStream());
        int size = response.readInt();
        byte[] body = new byte[size];
        response.readFully(body);
        ByteBuf frame = Unpooled.buffer(size + 4).writeInt(size).writeBytes(body);
        ApiVersionsResponseData answer = (ApiVersionsResponseData) MessageCodec.readResponse(frame,
                Headers.responseBodyStart(frame, ApiKeys.API_VERSIONS, (short) 3), ApiKeys.API_VERSIONS, (short) 3);
        if (Frames.responseCorrelationId(frame) != id || answer.errorCode() != Errors.NONE.code()) {
            throw new IllegalStateException("ApiVersions through the gateway failed: " + answer);
        }
        return socket;
    }

    /** Answers ApiVersions and Metadata; holds the connection otherwise. */
    private static final class StandInBroker extends SimpleChannelInboundHandler<ByteBuf> {
        static volatile int port;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            ApiKeys key = ApiKeys.forId(Frames.apiKey(frame));
            short version = Frames.apiVersion(frame);
            int correlationId = Frames.requestCorrelationId(frame);
            ApiMessage body;
            if (key == ApiKeys.API_VERSIONS) {
                ApiVersionsResponseData versions = new ApiVersionsResponseData();
                for (ApiKeys api : ApiKeys.values()) {
                    if (api.latestVersion() >= api.oldestVersion()) {
                        versions.apiKeys().add(new ApiVersionsResponseData.ApiVersion().setApiKey(api.id)
                                .setMinVersion(api.oldestVersion()).setMaxVersion(api.latestVersion()));
                    }
                }
                body = versions;
            } else if (key == ApiKeys.METADATA) {
                MetadataResponseData metadata = new MetadataResponseData().setClusterId("idle-heap").setControllerId(0);
                metadata.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(0)
                        .setHost("127.0.0.1").setPort(port));
                body = metadata;
            } else {
                System.err.println("stand-in broker: no answer for " + key + " v" + version + "; closing");
                ctx.close();
                return;
            }
            ctx.writeAndFlush(MessageCodec.encodeResponse(ctx.alloc(), key, version, correlationId, body));
        }
    }
}
