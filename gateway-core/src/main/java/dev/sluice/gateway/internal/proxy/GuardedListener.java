package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's event listener behind a guard: an exception it throws is logged (the first one at WARN,
 * later ones at DEBUG) and never reaches the data path.
 */
final class GuardedListener implements GatewayEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);

    private final GatewayEventListener delegate;
    private final AtomicBoolean warned = new AtomicBoolean();

    GuardedListener(GatewayEventListener delegate) {
        this.delegate = delegate;
    }

    boolean isNoop() {
        return delegate == GatewayEventListener.noop();
    }

    private void failed(String event, RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("Event listener {} threw from {}; its exceptions are ignored (later ones are logged at DEBUG)",
                    delegate.getClass().getName(), event, e);
        } else {
            LOG.debug("Event listener {} threw from {}", delegate.getClass().getName(), event, e);
        }
    }

    @Override
    public void connectionOpened(ConnectionContext connection) {
        try {
            delegate.connectionOpened(connection);
        } catch (RuntimeException e) {
            failed("connectionOpened", e);
        }
    }

    @Override
    public void connectionClosed(ConnectionContext connection, long requests, long bytesIn, long bytesOut) {
        try {
            delegate.connectionClosed(connection, requests, bytesIn, bytesOut);
        } catch (RuntimeException e) {
            failed("connectionClosed", e);
        }
    }

    @Override
    public void requestCompleted(ConnectionContext connection, short apiKey, short apiVersion, int requestBytes,
            int responseBytes, long latencyNanos) {
        try {
            delegate.requestCompleted(connection, apiKey, apiVersion, requestBytes, responseBytes, latencyNanos);
        } catch (RuntimeException e) {
            failed("requestCompleted", e);
        }
    }

    @Override
    public void interceptorFailed(ConnectionContext connection, String interceptor, short apiKey, short apiVersion,
            Throwable cause) {
        try {
            delegate.interceptorFailed(connection, interceptor, apiKey, apiVersion, cause);
        } catch (RuntimeException e) {
            failed("interceptorFailed", e);
        }
    }

    @Override
    public void connectionRejected(ConnectionContext connection, String reason) {
        try {
            delegate.connectionRejected(connection, reason);
        } catch (RuntimeException e) {
            failed("connectionRejected", e);
        }
    }
}
