package dev.sluice.gateway.membership;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.internal.membership.MemberCodec;
import dev.sluice.gateway.internal.membership.MemberEntry;
import dev.sluice.gateway.internal.membership.MembershipAssignor;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One membership in the consumer group, from {@link KafkaMembership#join} to {@link
 * KafkaMembership#leave}: a thread of its own that creates the membership topic if needed, then
 * owns a {@link KafkaConsumer} and polls it until told to stop. The consumer's heartbeat thread keeps
 * the membership alive; polling lets it rejoin on every rebalance, which is when the {@link
 * MembershipAssignor} hands over the new roster.
 *
 * <p>Every method except {@link #run} may be called from any thread; {@code run} and the assignor
 * callbacks run on the session's thread. The session never holds its lock while it calls the owner
 * or completes a future.
 */
final class MembershipSession implements MembershipAssignor.Callback {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipSession.class);

    /** How long one poll may block; bounds how late the thread notices a rebalance or a stop. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final long ERROR_BACKOFF_MILLIS = 1_000;

    enum Stop { LEAVE, CRASH }

    private final KafkaMembershipSettings settings;
    private final KafkaMembership owner;
    private final long incarnation;
    private final Thread thread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Object lock = new Object();
    /** Counted down by the first stop request; cuts short the pause after a failed poll. */
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    // Guarded by lock.
    private GatewayNode self;
    private byte[] ownEntry;
    private @Nullable CompletableFuture<Void> pendingJoin = new CompletableFuture<>();
    private long joinDeadlineNanos;
    private boolean joinedOnce;
    private boolean rejoinRequested;
    private @Nullable Stop stop;
    private List<MemberEntry> lastRoster = List.of();
    private @Nullable Throwable lastError;

    /** Set once the consumer exists; {@link Consumer#wakeup()} is its only thread-safe method. */
    private volatile @Nullable Consumer<byte[], byte[]> consumer;

    MembershipSession(KafkaMembershipSettings settings, KafkaMembership owner, GatewayNode self, long incarnation) {
        this.settings = settings;
        this.owner = owner;
        this.incarnation = incarnation;
        this.self = self;
        this.ownEntry = MemberCodec.encodeEntry(new MemberEntry(incarnation, self));
        this.thread = new Thread(this::run, settings.name() + "-membership");
        this.thread.setDaemon(true);
    }

    /** Starts the thread once {@code previous} (the stop of the session before) completes. */
    CompletionStage<Void> start(CompletionStage<Void> previous) {
        CompletableFuture<Void> join;
        synchronized (lock) {
            join = pendingJoin;
        }
        previous.whenComplete((ignored, failure) -> {
            synchronized (lock) {
                joinDeadlineNanos = System.nanoTime() + settings.joinTimeout().toNanos();
            }
            thread.start();
        });
        return outsideThread(join);
    }

    /** Whether this session still takes part (no stop requested). */
    boolean active() {
        synchronized (lock) {
            return stop == null;
        }
    }

    /** Completes when the thread has closed everything. */
    CompletionStage<Void> stopped() {
        return stopped.copy();
    }

    /**
     * Joins again as {@code newSelf}: a no-op for the same description, else the next JoinGroup
     * carries it (a rebalance is forced) and the stage completes when a roster lists it.
     */
    CompletionStage<Void> rejoinAs(GatewayNode newSelf) {
        byte[] entry = MemberCodec.encodeEntry(new MemberEntry(incarnation, newSelf));
        CompletableFuture<Void> join;
        synchronized (lock) {
            if (newSelf.equals(self)) {
                return pendingJoin == null ? CompletableFuture.completedStage(null) : outsideThread(pendingJoin);
            }
            self = newSelf;
            ownEntry = entry;
            join = new CompletableFuture<>();
            CompletableFuture<Void> replaced = pendingJoin;
            if (replaced != null) {
                join.whenComplete((v, e) -> complete(replaced, e));
            }
            pendingJoin = join;
            joinDeadlineNanos = System.nanoTime() + settings.joinTimeout().toNanos();
            rejoinRequested = true;
        }
        wakeUp();
        return outsideThread(join);
    }

    /** Asks the thread to stop; {@link #stopped()} says when it has. The first request wins. */
    void requestStop(Stop how) {
        synchronized (lock) {
            if (stop == null) {
                stop = how;
            }
        }
        stopSignal.countDown();
        wakeUp();
    }

    GatewayNode self() {
        synchronized (lock) {
            return self;
        }
    }

    // --- MembershipAssignor.Callback, on the session's thread ---

    @Override
    public byte[] ownEntry() {
        synchronized (lock) {
            return ownEntry;
        }
    }

    @Override
    public void rosterChanged(List<MemberEntry> roster, int generation) {
        CompletableFuture<Void> joined = null;
        synchronized (lock) {
            lastRoster = roster;
            MemberEntry mine = find(roster, self.nodeId());
            boolean listed = mine != null && mine.incarnation() == incarnation && mine.node().equals(self);
            if (listed && pendingJoin != null) {
                joined = pendingJoin;
                pendingJoin = null;
                joinedOnce = true;
            } else if (!listed && mine != null) {
                LOG.error("Gateway membership group '{}' generation {}: node id '{}' is also used by another "
                        + "member, {}; it wins (joined later), so this node is not listed. Node ids must be unique.",
                        settings.groupId(), generation, self.nodeId(), mine.node());
            }
        }
        LOG.debug("Gateway membership group '{}' generation {}: {}", settings.groupId(), generation, roster);
        owner.rosterChanged(this, nodes(roster));
        if (joined != null) {
            joined.complete(null);
        }
    }

    // --- the thread ---

    private void run() {
        Throwable failure = null;
        Stop how = Stop.LEAVE;
        try {
            if (stopRequest() == null) {
                ensureTopic();
            }
            how = pollUntilStopped();
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("Gateway membership of node '{}' in group '{}' failed", self().nodeId(), settings.groupId(), e);
        } finally {
            finish(how, failure);
        }
    }

    private Stop pollUntilStopped() {
        if (stopRequest() != null) {
            return stopRequest();
        }
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer = c;
        Stop how = Stop.LEAVE;
        try {
            c.subscribe(List.of(settings.topic()));
            while (true) {
                Stop requested = nextStep(c);
                if (requested != null) {
                    how = requested;
                    return how;
                }
                try {
                    c.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    // leave(), crash or rejoin: nextStep() finds out which
                } catch (KafkaException e) {
                    handlePollFailure(e);
                }
            }
        } finally {
            close(c, how);
        }
    }

    /** Applies requests and the join deadline; returns how to stop, or null to poll on. */
    private @Nullable Stop nextStep(Consumer<byte[], byte[]> c) {
        CompletableFuture<Void> timedOut = null;
        GatewayException timeout = null;
        boolean rejoin;
        synchronized (lock) {
            if (stop != null) {
                return stop;
            }
            rejoin = rejoinRequested;
            rejoinRequested = false;
            if (pendingJoin != null && System.nanoTime() - joinDeadlineNanos > 0) {
                timedOut = pendingJoin;
                pendingJoin = null;
                timeout = joinTimeout();
                if (!joinedOnce) {
                    stop = Stop.LEAVE;
                }
            }
        }
        if (timedOut != null) {
            LOG.warn("{}", timeout.getMessage());
            timedOut.completeExceptionally(timeout);
            if (!active()) {
                return Stop.LEAVE;
            }
        }
        if (rejoin) {
            c.enforceRebalance("gateway node description changed");
        }
        return null;
    }

    private void handlePollFailure(KafkaException e) {
        boolean fatal;
        synchronized (lock) {
            lastError = e;
            fatal = !joinedOnce && !(e instanceof RetriableException);
            if (fatal && stop == null) {
                stop = Stop.LEAVE;
            }
        }
        if (fatal) {
            fail(new GatewayException("Could not join gateway membership group '" + settings.groupId() + "' on "
                    + settings.bootstrapServers() + " as node '" + self().nodeId() + "': " + e, e));
            return;
        }
        LOG.warn("Gateway membership group '{}': polling failed, retrying in {} ms", settings.groupId(),
                ERROR_BACKOFF_MILLIS, e);
        try {
            boolean stopping = stopSignal.await(ERROR_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
            LOG.trace("Pause after a failed poll ended, stopping: {}", stopping);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void close(Consumer<byte[], byte[]> c, Stop how) {
        CloseOptions options = how == Stop.CRASH
                ? CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                        .withTimeout(Duration.ZERO)
                : CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(settings.joinTimeout());
        try {
            c.close(options);
        } catch (RuntimeException e) {
            LOG.warn("Gateway membership group '{}': closing the consumer failed", settings.groupId(), e);
        }
    }

    private void finish(Stop how, @Nullable Throwable failure) {
        if (failure != null) {
            fail(failure instanceof GatewayException g ? g : new GatewayException("Gateway membership of node '"
                    + self().nodeId() + "' in group '" + settings.groupId() + "' failed: " + failure, failure));
        } else {
            fail(new GatewayException("Node '" + self().nodeId() + "' left gateway membership group '"
                    + settings.groupId() + "' before it had joined"));
        }
        if (how == Stop.LEAVE) {
            owner.sessionLeft(this);
        }
        stopped.complete(null);
    }

    /** Fails the pending join, if any, with {@code failure}. */
    private void fail(GatewayException failure) {
        CompletableFuture<Void> join;
        synchronized (lock) {
            join = pendingJoin;
            pendingJoin = null;
        }
        if (join != null) {
            join.completeExceptionally(failure);
        }
    }

    private @Nullable Stop stopRequest() {
        synchronized (lock) {
            return stop;
        }
    }

    private GatewayException joinTimeout() {
        // Called under lock.
        String why = lastError != null ? "last error: " + lastError
                : lastRoster.isEmpty() ? "no roster arrived; is the cluster reachable, and are group '"
                        + settings.groupId() + "' and topic '" + settings.topic() + "' readable?"
                : "the last roster did not list this node: " + nodes(lastRoster);
        return new GatewayException("Node '" + self.nodeId() + "' did not join gateway membership group '"
                + settings.groupId() + "' on " + settings.bootstrapServers() + " within " + settings.joinTimeout()
                + "; " + why);
    }

    /** Creates the one-partition membership topic unless it exists. */
    private void ensureTopic() {
        Map<String, Object> config = new HashMap<>(settings.clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.name() + "-membership-admin");
        long deadline = System.nanoTime() + settings.joinTimeout().toNanos();
        String topic = settings.topic();
        Admin admin = Admin.create(config);
        try {
            short replication = settings.replicationFactor();
            if (replication == 0) {
                int brokers = admin.describeCluster().nodes().get(remaining(deadline), TimeUnit.NANOSECONDS).size();
                replication = (short) Math.max(1, Math.min(3, brokers));
            }
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, replication))).all()
                        .get(remaining(deadline), TimeUnit.NANOSECONDS);
                LOG.info("Created gateway membership topic '{}' (1 partition, replication factor {})", topic, replication);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return;
                }
                // Maybe not allowed to create it, but it exists (created by an administrator): fine.
                try {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS);
                    LOG.debug("Could not create gateway membership topic '{}' ({}), but it exists", topic, e.getCause());
                } catch (ExecutionException describeFailure) {
                    throw new GatewayException("Could not create gateway membership topic '" + topic + "' on "
                            + settings.bootstrapServers() + ", and it does not exist (create it with one partition, "
                            + "or allow this node to): " + e.getCause(), e.getCause());
                }
            }
        } catch (ExecutionException e) {
            throw new GatewayException("Could not reach Kafka at " + settings.bootstrapServers()
                    + " for gateway membership: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new GatewayException("Could not set up gateway membership topic '" + topic + "' on "
                    + settings.bootstrapServers() + " within " + settings.joinTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException("Interrupted while setting up gateway membership topic '" + topic + "'", e);
        } finally {
            admin.close(Duration.ZERO);   // what is still pending (after a timeout) is abandoned, not awaited
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(settings.clientProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.name() + "-membership");
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(MembershipAssignor.class));
        config.put(MembershipAssignor.CALLBACK_CONFIG, this);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.heartbeatInterval().toMillis());
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) settings.rebalanceTimeout().toMillis());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    private void wakeUp() {
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** {@code join}, whose dependents run on the common pool rather than on the session's thread. */
    private static CompletionStage<Void> outsideThread(CompletableFuture<Void> join) {
        return join.thenApplyAsync(Function.identity());
    }

    private static void complete(CompletableFuture<Void> future, @Nullable Throwable failure) {
        if (failure == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(failure);
        }
    }

    private static long remaining(long deadlineNanos) {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    private static @Nullable MemberEntry find(List<MemberEntry> roster, String nodeId) {
        for (MemberEntry entry : roster) {
            if (entry.node().nodeId().equals(nodeId)) {
                return entry;
            }
        }
        return null;
    }

    static List<GatewayNode> nodes(Collection<MemberEntry> roster) {
        return roster.stream().map(MemberEntry::node).toList();
    }

    @Override
    public String toString() {
        return "MembershipSession[" + settings.groupId() + ", " + self() + ", incarnation " + incarnation + "]";
    }
}
