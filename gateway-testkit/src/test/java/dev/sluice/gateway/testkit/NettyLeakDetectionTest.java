package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Proves that leaks are caught, by leaking on purpose. Netty reports a leak with identical records
 * only once per JVM, so each leak below is made at its own call site and made once.
 */
class NettyLeakDetectionTest {
    private static ResourceLeakDetector.Level levelBefore = ResourceLeakDetector.getLevel();

    @BeforeAll
    static void trackEveryBuffer() {
        levelBefore = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    static void restoreLevel() {
        ResourceLeakDetector.setLevel(levelBefore);
    }

    @Test
    void extensionInstalledItsFactoryBeforeNettyCreatedTheByteBufDetector() {
        assertThat(ResourceLeakDetectorFactory.instance()).isInstanceOf(CollectingLeakDetectorFactory.class);
        assertThat(LeakCollector.global().setupProblem()).isNull();
    }

    @Test
    void droppedUnpooledAndPooledBuffersAreReportedWithTheirAllocationSite() {
        leakAnUnpooledBuffer();
        leakAPooledBuffer();

        List<LeakReport> leaks = NettyLeakDetection.detectLeaks();

        assertThat(leaks).hasSize(2).allSatisfy(leak -> assertThat(leak.resourceType()).isEqualTo("ByteBuf"));
        assertThat(leaks).anySatisfy(leak -> assertThat(leak.records()).contains("leakAnUnpooledBuffer"));
        assertThat(leaks).anySatisfy(leak -> assertThat(leak.records()).contains("leakAPooledBuffer"));
    }

    @Test
    void releasedBuffersAreNotReported() {
        ByteBuf unpooled = Unpooled.directBuffer(16).writeLong(1L);
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16).writeLong(2L);
        unpooled.release();
        pooled.release();

        assertThat(NettyLeakDetection.detectLeaks()).isEmpty();
    }

    @Test
    void aLeakFailsTheTestClassThatLeakedIt() {
        Events containers = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(LeakingTestClass.class), selectClass(CleanTestClass.class))
                .execute()
                .allEvents();

        containers.assertThatEvents()
                .haveExactly(1, event(test("leaksABuffer"), finishedSuccessfully()))
                .haveExactly(1, event(container(LeakingTestClass.class), finishedWithFailure(
                        instanceOf(AssertionError.class),
                        message(m -> m.startsWith("Netty reported 1 leaked resource")
                                && m.contains("Leak 1 of 1: ByteBuf")
                                && m.contains("LeakingTestClass.leaksABuffer")))))
                .haveExactly(1, event(container(CleanTestClass.class), finishedSuccessfully()));
    }

    private static void leakAnUnpooledBuffer() {
        // Direct: Netty does not track unpooled heap buffers at all, the garbage collector frees them.
        Unpooled.directBuffer(16).writeInt(42);
    }

    private static void leakAPooledBuffer() {
        PooledByteBufAllocator.DEFAULT.heapBuffer(16).writeInt(42);
    }

    /** Run only by {@link #aLeakFailsTheTestClassThatLeakedIt}; Surefire skips nested classes. */
    static class LeakingTestClass {
        @Test
        void leaksABuffer() {
            Unpooled.directBuffer(8).writeByte(1);
        }
    }

    /** Run only by {@link #aLeakFailsTheTestClassThatLeakedIt}. */
    static class CleanTestClass {
        @Test
        void releasesItsBuffer() {
            Unpooled.directBuffer(8).writeByte(1).release();
        }
    }
}
