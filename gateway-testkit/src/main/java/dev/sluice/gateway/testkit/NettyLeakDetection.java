package dev.sluice.gateway.testkit;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit Jupiter extension that fails a test class when Netty reports a leaked {@code ByteBuf} (or
 * any other object Netty's {@code ResourceLeakDetector} tracks), instead of only logging "LEAK".
 *
 * <h2>Enabling it</h2>
 *
 * <p>gateway-testkit lists this class in {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension}, so any module with gateway-testkit
 * on its test classpath gets it for every test class once JUnit's extension autodetection is on, in
 * {@code src/test/resources/junit-platform.properties}:
 *
 * <pre>
 * junit.jupiter.extensions.autodetection.enabled=true
 * </pre>
 *
 * <p>Run the tests with {@code -Dio.netty.leakDetection.level=paranoid} (Sluice's parent POM puts
 * it in Surefire's {@code argLine}): at that level every buffer is tracked and a report says where
 * it was created and last touched. At the default level Netty samples about one buffer in 128 and
 * records nothing. It can also be registered by hand with {@code
 * @ExtendWith(NettyLeakDetection.class)}.
 *
 * <h2>How it works</h2>
 *
 * <ol>
 *   <li>Loading this class installs a {@code ResourceLeakDetectorFactory} whose detectors copy each
 *       report to a JVM-wide collector (and still log it).
 *   <li>After all tests of a class, it runs the garbage collector until a sentinel reference is
 *       cleared, makes every detector poll its reference queue, and throws an {@link AssertionError}
 *       listing the leaks, which fails that class.
 * </ol>
 *
 * <h2>Pitfalls</h2>
 *
 * <ul>
 *   <li><b>Installation order.</b> Netty creates the {@code ByteBuf} detector once, in {@code
 *       AbstractByteBuf}'s static initialiser, from whichever factory is installed at that moment.
 *       JUnit loads autodetected extensions before it initialises any test class, so the factory
 *       is in place first unless something (a {@code LauncherSessionListener}, a JUnit platform
 *       extension, a Java agent) touches Netty buffers earlier. If that happens, the {@code
 *       ByteBuf} detector is adopted through its public leak listener (found by reflection);
 *       detectors of other types created earlier are not watched.
 *   <li><b>Attribution.</b> A class fails for leaks that became detectable during it. A buffer
 *       still reachable when its class ends (from a static field, a pooled thread) is reported by
 *       a later class; with parallel class execution, by whichever class finishes first.
 *   <li><b>Repeats.</b> Netty reports a leak with identical records only once per JVM.
 *   <li><b>Untracked buffers.</b> Netty does not track unpooled <em>heap</em> buffers ({@code
 *       Unpooled.buffer()}, {@code Unpooled.wrappedBuffer(byte[])}): the garbage collector frees
 *       them, so forgetting to release one is never reported. Pooled and direct buffers are tracked.
 *   <li><b>Cost.</b> Two full garbage collections per test class: 50 to 250 ms measured with and
 *       without in-JVM brokers. {@code -XX:+DisableExplicitGC} makes detection impossible and
 *       fails every class saying so.
 *   <li>It replaces any factory installed before it, and ignores {@code
 *       io.netty.customResourceLeakDetector}.
 * </ul>
 *
 * <p>Threading: JUnit calls {@link #afterAll}; {@link #assertNoLeaks()} may be called from any
 * thread. Both share one collector per JVM.
 */
public final class NettyLeakDetection implements AfterAllCallback {

    static {
        // Before any test class can touch Netty buffers: see "Installation order" above.
        LeakCollector.global();
    }

    /** Used by JUnit's {@code ServiceLoader}; the extension has no state of its own. */
    public NettyLeakDetection() {}

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks();
    }

    /**
     * Forces Netty to look for leaks now and fails if it found any since the last check. The leaks
     * are forgotten once reported, so the next check does not repeat them.
     *
     * <pre>{@code
     * @AfterEach
     * void everyBufferReleased() {
     *     NettyLeakDetection.assertNoLeaks(); // pin a leak to one test rather than its class
     * }
     * }</pre>
     *
     * @throws AssertionError listing each leak and where it was created, if there were any
     */
    public static void assertNoLeaks() {
        LeakCollector collector = LeakCollector.global();
        String problem = collector.setupProblem();
        if (problem != null) {
            throw new AssertionError(problem);
        }
        List<LeakReport> leaks = collector.detect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(describe(leaks));
        }
    }

    /** Forces detection and returns (and forgets) the reports, for this package's tests. */
    static List<LeakReport> detectLeaks() {
        return LeakCollector.global().detect();
    }

    private static String describe(List<LeakReport> leaks) {
        StringBuilder message = new StringBuilder()
                .append("Netty reported ").append(leaks.size()).append(" leaked resource")
                .append(leaks.size() == 1 ? "" : "s")
                .append(" (io.netty.leakDetection.level=").append(ResourceLeakDetector.getLevel())
                .append("). Whoever owns a reference-counted object must release it.");
        for (int i = 0; i < leaks.size(); i++) {
            message.append("\n\nLeak ").append(i + 1).append(" of ").append(leaks.size()).append(": ")
                    .append(leaks.get(i));
        }
        return message.toString();
    }
}
