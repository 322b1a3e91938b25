package dev.portolan.http;

import dev.portolan.limit.ConnectionLimits;
import dev.portolan.limit.ConnectionSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP server's side of {@link ConnectionLimits}: a new connection over a cap is closed at once,
 * before anything is read from it (an answer would cost reading a request, which is what a flood
 * withholds); an admitted one that has not sent a whole request head within the header timeout is
 * closed; and the server closes connections idle (nothing read or written) for the idle timeout.
 *
 * <p>Connections are counted where the server accepts them: from the first connection on, a handler
 * in front of the listening socket's pipeline ({@link AcceptGate}) admits or closes each accepted
 * socket on the acceptor thread, before the server's event loop sets it up, so that a burst the
 * event loop cannot keep up with still holds no more file descriptors than the cap (over TLS, the
 * handshake comes after). The first connection, which shows where that socket is, is counted in the
 * connection handler; so are all where Vert.x's connection is not the kind that shows it. Plain
 * HTTP's clear-text HTTP/2 detection, which would hold a connection back from the handler until its
 * first bytes, is off, so that the header timer starts at once.
 */
public final class ConnectionGuard {
  private static final AttributeKey<String> ADMITTED_FROM =
      AttributeKey.valueOf("portolan.admittedFrom");

  private final Vertx vertx;
  private final ConnectionLimits limits;
  private final long headerTimeoutMillis;
  private final long idleTimeoutMillis;
  private final AtomicBoolean gateInstalled = new AtomicBoolean();

  /** The header timers of connections that have not sent a request head yet. */
  private final Map<HttpConnection, Long> awaitingHead = new ConcurrentHashMap<>();

  public ConnectionGuard(Vertx vertx, ConnectionLimits limits, ConnectionSettings settings) {
    this.vertx = vertx;
    this.limits = limits;
    this.headerTimeoutMillis = settings.headerTimeout().toMillis();
    this.idleTimeoutMillis = settings.idleTimeout().toMillis();
  }

  /** {@code options} with the idle timeout, and clear-text HTTP/2 off (see above). */
  public HttpServerOptions apply(HttpServerOptions options) {
    return options
        .setIdleTimeout((int) idleTimeoutMillis)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setHttp2ClearTextEnabled(false);
  }

  /**
   * The server's connection handler: admits the connection or closes it (unless the accept gate
   * did), installs the gate at the first connection, and starts the header timer.
   */
  public void connected(HttpConnection connection) {
    Channel channel = connection instanceof ConnectionBase base ? base.channel() : null;
    boolean countedAtAccept = channel != null && channel.hasAttr(ADMITTED_FROM);
    String address = countedAtAccept ? null : address(connection);
    if (!countedAtAccept && limits.open(address) != ConnectionLimits.Admission.ADMITTED) {
      connection.close();
      return;
    }
    if (channel != null && channel.parent() != null && gateInstalled.compareAndSet(false, true)) {
      channel.parent().pipeline().addFirst("portolan-accept-gate", new AcceptGate(limits));
    }
    long timer =
        vertx.setTimer(
            headerTimeoutMillis,
            id -> {
              if (awaitingHead.remove(connection) != null) {
                limits.headerTimedOut();
                connection.close();
              }
            });
    awaitingHead.put(connection, timer);
    connection.closeHandler(
        v -> {
          headReceived(connection);
          if (address != null) {
            limits.closed(address);
          }
        });
  }

  /** {@code handler}, once the request's connection is known to have sent a whole request head. */
  public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> handler) {
    return request -> {
      headReceived(request.connection());
      handler.handle(request);
    };
  }

  private void headReceived(HttpConnection connection) {
    Long timer = awaitingHead.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private static String address(HttpConnection connection) {
    SocketAddress remote = connection.remoteAddress();
    return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
  }

  /**
   * In front of the listening socket's pipeline, on the acceptor thread: each accepted socket is
   * admitted (counted until it closes) or closed at once, before it is handed to an event loop.
   */
  @ChannelHandler.Sharable
  static final class AcceptGate extends ChannelInboundHandlerAdapter {
    private final ConnectionLimits limits;

    AcceptGate(ConnectionLimits limits) {
      this.limits = limits;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof Channel child)) {
        ctx.fireChannelRead(msg);
        return;
      }
      String address =
          child.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
              ? inet.getAddress().getHostAddress()
              : "unknown";
      if (limits.open(address) != ConnectionLimits.Admission.ADMITTED) {
        child.unsafe().closeForcibly();
        return;
      }
      child.attr(ADMITTED_FROM).set(address);
      child.closeFuture().addListener(f -> limits.closed(address));
      ctx.fireChannelRead(msg);
    }
  }
}
