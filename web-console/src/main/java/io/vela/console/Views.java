package io.vela.console;

import io.vela.api.ManagedComponent;
import io.vela.api.admin.BanInfo;
import io.vela.api.admin.BrokerStats;
import io.vela.api.admin.ClientInfo;
import io.vela.api.admin.ListenerInfo;
import io.vela.api.admin.RetainedInfo;
import io.vela.api.admin.SubscriptionInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/** The JSON shapes of the REST API (described in openapi.json). */
final class Views {

  private Views() {
  }

  static JsonObject client(ClientInfo c, boolean withSubscriptions) {
    JsonObject o = new JsonObject().put("clientId", c.clientId()).put("connected", c.connected())
        .put("username", c.username()).put("remoteAddress", c.remoteAddress()).put("protocol", c.protocol())
        .put("keepAliveSeconds", c.keepAliveSeconds()).put("cleanStart", c.cleanStart())
        .put("connectedAt", time(c.connectedAtMillis())).put("sessionExpirySeconds", c.expirySeconds())
        .put("queued", c.queued()).put("inflight", c.inflight()).put("subscriptionCount", c.subscriptions().size());
    if (withSubscriptions) {
      JsonArray subs = new JsonArray();
      c.subscriptions().forEach(s -> subs.add(subscription(s)));
      o.put("subscriptions", subs);
    }
    return o;
  }

  static JsonObject subscription(SubscriptionInfo s) {
    return new JsonObject().put("clientId", s.clientId()).put("filter", s.filter()).put("qos", s.qos())
        .put("noLocal", s.noLocal()).put("retainAsPublished", s.retainAsPublished())
        .put("retainHandling", s.retainHandling());
  }

  /** A retained message; the payload as UTF-8 text when it is valid UTF-8, always as base64. */
  static JsonObject retained(RetainedInfo r, boolean withPayload) {
    JsonObject o = new JsonObject().put("topic", r.topic()).put("qos", r.qos()).put("size", r.payload().length)
        .put("publisherId", r.publisherId());
    if (withPayload) {
      o.put("payloadBase64", Base64.getEncoder().encodeToString(r.payload()));
      o.put("payloadText", utf8(r.payload()));
    }
    return o;
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static JsonObject ban(BanInfo b) {
    return new JsonObject().put("kind", b.kind()).put("value", b.value()).put("expiresAt", time(b.expiresAtMillis()))
        .put("reason", b.reason());
  }

  static JsonObject listener(ListenerInfo l) {
    return new JsonObject().put("name", l.name()).put("type", l.type()).put("bind", l.bind()).put("port", l.port())
        .put("state", l.state()).put("tls", l.tls()).put("path", l.path())
        .put("connections", l.connections()).put("bytesIn", l.bytesIn()).put("bytesOut", l.bytesOut())
        .put("messagesIn", l.messagesIn()).put("messagesOut", l.messagesOut());
  }

  static JsonObject component(ManagedComponent c) {
    JsonObject status;
    try {
      status = c.status();
    } catch (RuntimeException e) {
      status = new JsonObject().put("state", "unknown").put("error", String.valueOf(e.getMessage()));
    }
    return new JsonObject().put("name", c.name()).put("kind", c.kind())
        .put("state", status == null ? "unknown" : status.getString("state", "unknown"))
        .put("status", status == null ? new JsonObject() : status);
  }

  static JsonObject stats(BrokerStats s) {
    return new JsonObject().put("uptimeSeconds", s.uptimeMillis() / 1000).put("connections", s.connections())
        .put("sessions", s.sessions()).put("subscriptions", s.subscriptions()).put("retained", s.retained())
        .put("connectionsTotal", s.connectionsTotal()).put("connectionsRefused", s.connectionsRefused())
        .put("authFailures", s.authFailures()).put("messagesIn", s.messagesIn()).put("messagesOut", s.messagesOut())
        .put("messagesInByQos", new JsonArray().add(s.messagesInByQos()[0]).add(s.messagesInByQos()[1])
            .add(s.messagesInByQos()[2]))
        .put("messagesOutByQos", new JsonArray().add(s.messagesOutByQos()[0]).add(s.messagesOutByQos()[1])
            .add(s.messagesOutByQos()[2]))
        .put("bytesIn", s.bytesIn()).put("bytesOut", s.bytesOut()).put("publisherHoldBacks", s.publisherHoldBacks())
        .put("drops", map(s.drops())).put("rejections", map(s.rejections()))
        .put("protocolErrors", map(s.protocolErrors()));
  }

  private static JsonObject map(Map<String, Long> m) {
    JsonObject o = new JsonObject();
    m.forEach(o::put);
    return o;
  }

  /** Epoch milliseconds as an ISO-8601 instant, null for 0 (unknown / never). */
  static String time(long millis) {
    return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
  }
}
