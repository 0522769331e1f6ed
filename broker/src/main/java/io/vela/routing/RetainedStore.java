package io.vela.routing;

import io.vela.api.Message;
import io.vela.protocol.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retained messages, one per topic (MQTT-3.3.1-5): a PUBLISH with RETAIN and an empty payload clears the topic
 * (MQTT-3.3.1-10/11). Lookups by filter scan the store; fine for tens of thousands of retained topics, a topic tree is
 * the upgrade path when that stops being true.
 */
public final class RetainedStore {

  private final ConcurrentHashMap<String, Message> byTopic = new ConcurrentHashMap<>();

  /** Stores, replaces or (empty payload) clears the retained message of {@code message.topic()}. */
  public void update(Message message) {
    if (message.payload().length == 0) {
      byTopic.remove(message.topic());
    } else {
      byTopic.put(message.topic(), message.withRetain(true));
    }
  }

  /** Retained messages whose topic matches {@code filter}, expired ones dropped. */
  public List<Message> match(String filter) {
    long now = System.nanoTime();
    List<Message> out = new ArrayList<>();
    if (!Topics.hasWildcard(filter)) {
      Message m = byTopic.get(filter);
      if (m != null && !expired(m, now)) {
        out.add(m);
      }
      return out;
    }
    for (Message m : byTopic.values()) {
      if (Topics.matches(filter, m.topic()) && !expired(m, now)) {
        out.add(m);
      }
    }
    return out;
  }

  private boolean expired(Message m, long now) {
    if (m.isExpired(now)) {
      byTopic.remove(m.topic(), m);
      return true;
    }
    return false;
  }

  /** Every retained message, $-topics included, expired ones dropped (for the admin API). */
  public List<Message> all() {
    long now = System.nanoTime();
    List<Message> out = new ArrayList<>();
    for (Message m : byTopic.values()) {
      if (!expired(m, now)) {
        out.add(m);
      }
    }
    return out;
  }

  public Message get(String topic) {
    return byTopic.get(topic);
  }

  public int size() {
    return byTopic.size();
  }
}
