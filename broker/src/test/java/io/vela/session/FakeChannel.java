package io.vela.session;

import io.vela.api.Message;
import io.vela.protocol.ClientChannel;
import io.vela.protocol.ConnAck;
import io.vela.protocol.MqttVersion;
import io.vela.protocol.PacketHandler;
import io.vela.protocol.ReasonCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A ClientChannel that records what the session layer sends, as readable strings. */
final class FakeChannel implements ClientChannel {

  final Context context;
  final MqttVersion version;
  final List<String> sent = new CopyOnWriteArrayList<>();
  final List<Sent> publishes = new CopyOnWriteArrayList<>();
  volatile boolean closed;
  volatile boolean writable = true;
  volatile boolean paused;
  PacketHandler handler;

  record Sent(String topic, String payload, int qos, boolean dup, boolean retain, int packetId) {
  }

  FakeChannel(Context context, MqttVersion version) {
    this.context = context;
    this.version = version;
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String remoteAddress() {
    return "fake:1";
  }

  @Override
  public MqttVersion version() {
    return version;
  }

  @Override
  public void accept(ConnAck ack) {
    sent.add("CONNACK present=" + ack.sessionPresent());
  }

  @Override
  public void refuse(ReasonCode reason) {
    sent.add("CONNACK " + reason);
    close();
  }

  @Override
  public void redirect(ReasonCode reason, String serverReference) {
    sent.add("CONNACK " + reason + " " + serverReference);
    close();
  }

  @Override
  public void outboundTopicAliasMaximum(int maximum) {
    // aliases are the codec's business; the fake sends full topics
  }

  @Override
  public void auth(ReasonCode reason, String method, byte[] data) {
    sent.add("AUTH " + reason + " " + method);
  }

  @Override
  public void publish(Message message, int qos, boolean dup, boolean retain, int packetId, int[] subscriptionIds) {
    publishes.add(new Sent(message.topic(), new String(message.payload()), qos, dup, retain, packetId));
    sent.add("PUBLISH " + message.topic());
  }

  @Override
  public void pubAck(int packetId, ReasonCode reason) {
    sent.add("PUBACK " + packetId + " " + reason);
  }

  @Override
  public void pubRec(int packetId, ReasonCode reason) {
    sent.add("PUBREC " + packetId + " " + reason);
  }

  @Override
  public void pubRel(int packetId, ReasonCode reason) {
    sent.add("PUBREL " + packetId + " " + reason);
  }

  @Override
  public void pubComp(int packetId, ReasonCode reason) {
    sent.add("PUBCOMP " + packetId + " " + reason);
  }

  @Override
  public void pingResp() {
    sent.add("PINGRESP");
  }

  @Override
  public void subAck(int packetId, List<ReasonCode> reasons) {
    sent.add("SUBACK " + reasons);
  }

  @Override
  public void unsubAck(int packetId, List<ReasonCode> reasons) {
    sent.add("UNSUBACK " + reasons);
  }

  @Override
  public Future<Void> disconnect(ReasonCode reason, String reasonString) {
    sent.add("DISCONNECT " + reason);
    return close();
  }

  @Override
  public Future<Void> close() {
    if (!closed) {
      closed = true;
      sent.add("CLOSE");
      context.runOnContext(v -> handler.onClosed());
    }
    return Future.succeededFuture();
  }

  @Override
  public boolean writable() {
    return writable;
  }

  volatile Runnable onWritable;

  @Override
  public void whenWritable(Runnable r) {
    onWritable = r;
  }

  /** The socket drained: writable again, and whoever waited is told (on the channel's context). */
  void drain() {
    writable = true;
    Runnable r = onWritable;
    onWritable = null;
    if (r != null) {
      context.runOnContext(v -> r.run());
    }
  }

  /** The last read-idle timeout the connection asked for, -1 if none. */
  volatile long readIdleTimeoutMillis = -1;

  @Override
  public void readIdleTimeoutMillis(long millis) {
    readIdleTimeoutMillis = millis;
  }

  @Override
  public void pauseReading() {
    paused = true;
  }

  @Override
  public void resumeReading() {
    paused = false;
  }
}
