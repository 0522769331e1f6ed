package io.vela.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ACL rules carried in a token claim, in either shape EMQX uses, so tokens minted for EMQX work unchanged:
 * <ul>
 *   <li>EMQX 5 rule list: {@code [{"permission":"allow|deny","action":"publish|subscribe|all","topic":"t/${clientid}",
 *       "qos":[0,1],"retain":true|false|"all"}]}, first match wins;</li>
 *   <li>EMQX 4 lists of allowed filters: {@code {"pub":["a/%c"],"sub":["b/#"],"all":["c/%u/#"]}}.</li>
 * </ul>
 * A claim that is neither is refused (IllegalArgumentException naming the problem), and so the CONNECT is.
 */
final class ClaimAcl {

  private ClaimAcl() {
  }

  static List<AclRule> parse(Object claim) {
    List<AclRule> rules = new ArrayList<>();
    if (claim instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        if (!(list.getValue(i) instanceof JsonObject rule)) {
          throw new IllegalArgumentException("rule " + i + " is not an object");
        }
        rules.add(rule(rule, i));
      }
    } else if (claim instanceof JsonObject lists) {
      for (String key : lists.fieldNames()) {
        AclRule.Action action = AclFile.action(key);
        if (action == null || !(lists.getValue(key) instanceof JsonArray filters)) {
          throw new IllegalArgumentException("'" + key + "' is not pub, sub or all with a list of topic filters");
        }
        for (Object f : filters) {
          rules.add(new AclRule(true, action, topic(f, key), AclRule.ANY_QOS, null, null));
        }
      }
    } else if (claim != null) {
      throw new IllegalArgumentException("expected a list of rules or an object of pub/sub/all lists");
    }
    return rules;
  }

  private static AclRule rule(JsonObject r, int i) {
    String permission = String.valueOf(r.getValue("permission")).toLowerCase(Locale.ROOT);
    if (!permission.equals("allow") && !permission.equals("deny")) {
      throw new IllegalArgumentException("rule " + i + ": permission must be allow or deny");
    }
    AclRule.Action action = r.getValue("action") == null ? null : AclFile.action(String.valueOf(r.getValue("action")));
    if (action == null) {
      throw new IllegalArgumentException("rule " + i + ": action must be publish, subscribe or all");
    }
    String topic = topic(r.getValue("topic"), "rule " + i);
    int qosMask = AclRule.ANY_QOS;
    Object qos = r.getValue("qos");
    if (qos != null) {
      if (!(qos instanceof JsonArray levels)) {
        throw new IllegalArgumentException("rule " + i + ": qos must be a list such as [0, 1]");
      }
      qosMask = 0;
      for (Object q : levels) {
        if (!(q instanceof Number n) || n.intValue() < 0 || n.intValue() > 2) {
          throw new IllegalArgumentException("rule " + i + ": qos values are 0, 1 or 2");
        }
        qosMask |= 1 << n.intValue();
      }
    }
    Boolean retain = null;
    Object ret = r.getValue("retain");
    if (ret instanceof Boolean b) {
      retain = b;
    } else if (ret != null && !"all".equals(ret)) {
      throw new IllegalArgumentException("rule " + i + ": retain must be true, false or \"all\"");
    }
    return new AclRule(permission.equals("allow"), action, topic, qosMask, retain, null);
  }

  private static String topic(Object value, String where) {
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(where + ": topic must be text");
    }
    String problem = filterProblem(s);
    if (problem != null) {
      throw new IllegalArgumentException(where + ": topic '" + s + "': " + problem);
    }
    return s;
  }

  /** Why {@code filter} is not a usable rule filter (null when it is). */
  static String filterProblem(String filter) {
    String f = filter.startsWith("eq ") ? filter.substring(3) : filter;
    if (f.isEmpty()) {
      return "empty";
    }
    String[] levels = f.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String l = levels[i];
      if (l.contains("#") && (!l.equals("#") || i != levels.length - 1)) {
        return "# must be a whole last level";
      }
      if (l.contains("+") && !l.equals("+")) {
        return "+ must be a whole level";
      }
    }
    return null;
  }
}
