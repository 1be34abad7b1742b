package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.internal.tls.MaterialSnapshot.FileStamp;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SslContext} for new connections, rebuilt when the files it was built from change.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #current()} is a volatile read: call it once per connection, when the connection is
 *       accepted or opened, and keep that context for the connection's life.
 *   <li>{@link #reloadIfChanged()} compares each file's modification time, size and identity with
 *       the last check; only when one differs, or was modified so recently that the file system's
 *       time resolution could hide a second write, does it read the files and compare a SHA-256
 *       of their content. Changed content is built into a new context, which replaces the current
 *       one only if the build succeeds. A failed build (a half-written file, a certificate rotated
 *       without its key) is logged at WARN once per bad content, and the current context stays.
 *   <li>Replaced contexts are not released: they are never reference-counted ({@code JDK} or
 *       {@code OPENSSL} providers), and connections still using one keep it alive.
 * </ul>
 *
 * <h2>Threading</h2>
 *
 * <p>Thread-safe. {@link #current()} never blocks; {@link #reloadIfChanged()} may be called from any
 * thread, calls are serialised, and it does file I/O: keep it off event loops.
 */
public final class ReloadableSslContext {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadableSslContext.class);
    /**
     * A file modified less than this before it was stamped may be modified again with the same time
     * stamp (FAT keeps 2 s, HFS+ and some network file systems 1 s): its content is hashed again.
     */
    private static final long RACY_WINDOW_MILLIS = 2_000;

    /** Builds a context from the bytes of a snapshot; throws {@link GatewayException} naming the bad file. */
    @FunctionalInterface
    interface ContextFactory {
        SslContext create(MaterialSnapshot material);
    }

    private final String description;
    private final List<Path> files;
    private final Duration reloadInterval;
    private final ContextFactory factory;
    private final Object lock = new Object();
    private volatile SslContext current;
    private volatile long reloads;

    // Guarded by lock.
    private MaterialSnapshot installed;
    private MaterialSnapshot verified;
    private @Nullable String rejected;

    private ReloadableSslContext(String description, List<Path> files, Duration reloadInterval,
            ContextFactory factory, MaterialSnapshot snapshot, SslContext context) {
        this.description = description;
        this.files = files;
        this.reloadInterval = reloadInterval;
        this.factory = factory;
        synchronized (lock) { // visible to reloadIfChanged on any thread, however this object is published
            this.installed = snapshot;
            this.verified = snapshot;
        }
        this.current = context;
    }

    /**
     * Reads {@code files} and builds the first context.
     *
     * @throws GatewayException when a file cannot be read or the context cannot be built
     */
    static ReloadableSslContext create(String description, List<Path> files, Duration reloadInterval,
            ContextFactory factory) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        Objects.requireNonNull(factory, "factory");
        MaterialSnapshot snapshot = MaterialSnapshot.read(description, List.copyOf(files));
        SslContext context = factory.create(snapshot);
        return new ReloadableSslContext(description, List.copyOf(files), reloadInterval, factory, snapshot, context);
    }

    /** The context for new connections: a volatile read, lock-free. */
    public SslContext current() {
        return current;
    }

    /**
     * Checks the files (cheap: modification time and size first, then a SHA-256 of the content when
     * those changed); rebuilds when the content changed; on a rebuild failure (e.g. a half-written
     * file) logs WARN once per bad content and keeps the current context.
     *
     * @return {@code true} when a new context was installed
     */
    public boolean reloadIfChanged() {
        synchronized (lock) {
            try {
                List<FileStamp> stamps = MaterialSnapshot.stamp(description, files);
                if (stamps.equals(verified.stamps()) && !racy(stamps, verified.stampedAtMillis())) {
                    return false;
                }
                MaterialSnapshot candidate = MaterialSnapshot.read(description, files);
                if (candidate.sameContent(installed)) {
                    verified = candidate;
                    rejected = null;
                    return false;
                }
                String content = candidate.digestHex();
                if (content.equals(rejected)) {
                    verified = candidate;
                    return false;
                }
                SslContext context;
                try {
                    context = factory.create(candidate);
                } catch (RuntimeException e) {
                    verified = candidate;
                    reject(content, e);
                    return false;
                }
                current = context;
                installed = candidate;
                verified = candidate;
                rejected = null;
                reloads++;
                LOG.info("{}: reloaded; new connections use the new material (reload {})", description, reloads);
                return true;
            } catch (GatewayException e) {
                reject(String.valueOf(e.getMessage()), e); // a file missing or unreadable: the same until it changes
                return false;
            }
        }
    }

    /** How often the gateway should call {@link #reloadIfChanged()}; {@link Duration#ZERO} for never. */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    /** For logs, e.g. {@code server TLS [cert.pem, key.pem]}. */
    public String describe() {
        return description;
    }

    /** Successful reloads so far. */
    public long reloads() {
        return reloads;
    }

    @Override
    public String toString() {
        return "ReloadableSslContext[" + description + ", reloads " + reloads + "]";
    }

    private void reject(String content, RuntimeException e) {
        if (content.equals(rejected)) {
            return;
        }
        rejected = content;
        // The message names this context and the file at fault: "server TLS [cert.pem, key.pem]: cert.pem ..."
        LOG.warn("Keeping the current TLS material: the files changed but cannot be used: {}", e.getMessage());
        LOG.debug("{}: rejected TLS material", description, e);
    }

    private static boolean racy(List<FileStamp> stamps, long stampedAtMillis) {
        for (FileStamp stamp : stamps) {
            if (stamp.lastModified().toMillis() >= stampedAtMillis - RACY_WINDOW_MILLIS) {
                return true;
            }
        }
        return false;
    }
}
