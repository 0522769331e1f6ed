package io.vela.session;

import io.vela.api.AuthExchange;
import io.vela.api.AuthResult;
import io.vela.api.AuthStep;
import io.vela.api.Credentials;
import io.vela.api.EnhancedAuthenticator;
import io.vela.protocol.ReasonCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's MQTT 5 enhanced authentication (spec section 4.12): the AUTH exchange between CONNECT and CONNACK,
 * and re-authentication on the live connection, with the method agreed at CONNECT. It asks the
 * {@link EnhancedAuthenticator}'s exchange for each step and tells its {@link Connection} what came of it; the
 * connection keeps the protocol state (what may be sent when, CONNACK, DISCONNECT). Runs on the connection's context.
 */
final class EnhancedAuthentication {

  private static final Logger LOG = LoggerFactory.getLogger(EnhancedAuthentication.class);

  /** What the exchange needs from its connection, and tells it. */
  interface Connection {
    Context context();

    /** The client is connected: an exchange now is a re-authentication. */
    boolean connected();

    /** CONNECT was received and the exchange it started is not over. */
    boolean authenticating();

    String clientId();

    String remoteAddress();

    /** Sends an AUTH packet. */
    void sendAuth(ReasonCode reason, String method, byte[] data);

    /**
     * Applies an authentication result (permissions, expiry).
     *
     * @return why the client may not go on, or null
     */
    String authorize(AuthResult result);

    /** The exchange succeeded; {@code data} is the authentication data of the CONNACK or the last AUTH. */
    void authenticated(boolean reauthentication, byte[] data);

    /**
     * The exchange ended without success.
     *
     * @param authenticatorError the authenticator could not decide (it failed), rather than said no
     */
    void refused(boolean reauthentication, boolean authenticatorError, String detail);

    void violation(ReasonCode reason, String detail);
  }

  /** Where the exchange stands. */
  private enum Phase { NONE, DECIDING, AWAITING_CLIENT }

  private final EnhancedAuthenticator authenticator;
  private final Credentials credentials;
  private final Connection connection;
  private AuthExchange exchange;
  private Phase phase = Phase.NONE;

  EnhancedAuthentication(EnhancedAuthenticator authenticator, Credentials credentials, Connection connection) {
    this.authenticator = authenticator;
    this.credentials = credentials;
    this.connection = connection;
  }

  String method() {
    return authenticator.method();
  }

  /** Starts the exchange with the CONNECT's Authentication Data. */
  void start(byte[] data) {
    exchange = authenticator.newExchange(credentials);
    run(() -> exchange.start(data));
  }

  /** An AUTH packet from the client, while authenticating or connected. */
  void onAuth(ReasonCode reason, String method, byte[] data) {
    if (!authenticator.method().equals(method)) {
      connection.violation(ReasonCode.PROTOCOL_ERROR, "AUTH with Authentication Method " + method + ", not the one "
          + "of CONNECT [MQTT-4.12.0-5] [MQTT-4.12.1-1]");
      return;
    }
    if (reason == ReasonCode.CONTINUE_AUTHENTICATION && phase == Phase.AWAITING_CLIENT) {
      run(() -> exchange.continueWith(data));
    } else if (reason == ReasonCode.REAUTHENTICATE && connection.connected() && phase == Phase.NONE) {
      start(data);
    } else {
      connection.violation(ReasonCode.PROTOCOL_ERROR, "AUTH " + reason.hex() + " unexpected here (MQTT 5 4.12)");
    }
  }

  /** Asks the exchange for its next step and acts on the answer on the connection's context. */
  private void run(Supplier<Future<AuthStep>> step) {
    phase = Phase.DECIDING;
    Future<AuthStep> decision;
    try {
      decision = step.get();
    } catch (RuntimeException e) {
      decision = Future.failedFuture(e);
    }
    Context context = connection.context();
    decision.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        decided(ar);
      } else {
        context.runOnContext(v -> decided(ar));
      }
    });
  }

  private void decided(AsyncResult<AuthStep> ar) {
    boolean reauthenticating = connection.connected();
    if (!reauthenticating && !connection.authenticating()) {
      return; // closed meanwhile
    }
    AuthStep step = ar.succeeded() ? ar.result() : null;
    if (step == null || step.kind() == AuthStep.Kind.FAILURE) {
      phase = Phase.NONE;
      if (step == null) {
        LOG.warn("clientId={} address={} enhanced authenticator {} failed: {}", connection.clientId(),
            connection.remoteAddress(), method(), String.valueOf(ar.cause()));
      }
      // like the plain authenticator: the broker could not decide (0x88), or it said no (0x87) [MQTT-4.12.0-4]
      connection.refused(reauthenticating, step == null,
          step == null ? "authenticator failed" : "authentication failed: " + step.detail());
      return;
    }
    if (step.kind() == AuthStep.Kind.CONTINUE) {
      phase = Phase.AWAITING_CLIENT;
      connection.sendAuth(ReasonCode.CONTINUE_AUTHENTICATION, method(), step.data()); // [MQTT-4.12.0-2] [-5]
      return;
    }
    phase = Phase.NONE;
    String problem = step.result() == null && reauthenticating ? null : connection.authorize(step.result());
    if (problem != null) {
      connection.refused(reauthenticating, false, problem);
      return;
    }
    connection.authenticated(reauthenticating, step.data());
  }
}
