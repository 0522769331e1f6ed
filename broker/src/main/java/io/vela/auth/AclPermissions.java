package io.vela.auth;

import io.vela.api.Permissions;
import io.vela.metrics.BrokerMetrics;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of one connection, placeholders already replaced and filters compiled, checked first match wins; the
 * no-match decision otherwise. The last decision is remembered per action, so a client publishing to the same topic
 * again costs one string compare. Used on the connection's event loop only (not thread-safe by design).
 */
final class AclPermissions implements Permissions {

  private static final Logger LOG = LoggerFactory.getLogger(AclPermissions.class);

  /** One compiled rule. */
  record Compiled(boolean allow, AclRule.Action action, AclFilter filter, int qosMask, Boolean retain,
                  String source) {
  }

  private final Compiled[] rules;
  private final boolean noMatchAllows;
  private final String clientId;
  private final BrokerMetrics metrics;
  private final boolean cache;
  private String lastPublishTopic;
  private int lastPublishFlags;
  private boolean lastPublishAllowed;
  private String lastSubscribeFilter;
  private int lastSubscribeQos;
  private boolean lastSubscribeAllowed;

  AclPermissions(List<Compiled> rules, boolean noMatchAllows, String clientId, BrokerMetrics metrics,
                 boolean cache) {
    this.rules = rules.toArray(new Compiled[0]);
    this.noMatchAllows = noMatchAllows;
    this.clientId = clientId;
    this.metrics = metrics;
    this.cache = cache;
  }

  int ruleCount() {
    return rules.length;
  }

  @Override
  public boolean mayPublish(String topic, int qos, boolean retain) {
    int flags = qos | (retain ? 4 : 0);
    if (cache && topic.equals(lastPublishTopic) && flags == lastPublishFlags) {
      count(AclRule.Action.PUBLISH, lastPublishAllowed);
      return lastPublishAllowed;
    }
    boolean allowed = decide(AclRule.Action.PUBLISH, topic, qos, retain);
    lastPublishTopic = topic;
    lastPublishFlags = flags;
    lastPublishAllowed = allowed;
    return allowed;
  }

  @Override
  public boolean maySubscribe(String filter, int qos) {
    if (cache && filter.equals(lastSubscribeFilter) && qos == lastSubscribeQos) {
      count(AclRule.Action.SUBSCRIBE, lastSubscribeAllowed);
      return lastSubscribeAllowed;
    }
    boolean allowed = decide(AclRule.Action.SUBSCRIBE, filter, qos, null);
    lastSubscribeFilter = filter;
    lastSubscribeQos = qos;
    lastSubscribeAllowed = allowed;
    return allowed;
  }

  private boolean decide(AclRule.Action action, String subject, int qos, Boolean retain) {
    for (Compiled r : rules) {
      if (r.action != AclRule.Action.ALL && r.action != action) {
        continue;
      }
      if ((r.qosMask & (1 << qos)) == 0) {
        continue;
      }
      if (r.retain != null && retain != null && !r.retain.equals(retain)) {
        continue;
      }
      if (r.filter.covers(subject)) {
        LOG.debug("clientId={} {} {} {} by rule {}", clientId, action, subject, r.allow ? "allowed" : "denied",
            r.source);
        count(action, r.allow);
        return r.allow;
      }
    }
    LOG.debug("clientId={} {} {} {}: no rule matched (auth.acl.no-match)", clientId, action, subject,
        noMatchAllows ? "allowed" : "denied");
    count(action, noMatchAllows);
    return noMatchAllows;
  }

  private void count(AclRule.Action action, boolean allowed) {
    if (action == AclRule.Action.PUBLISH) {
      (allowed ? metrics.aclPublishAllowed : metrics.aclPublishDenied).increment();
    } else {
      (allowed ? metrics.aclSubscribeAllowed : metrics.aclSubscribeDenied).increment();
    }
  }
}
