package io.vela.auth;

/**
 * One ACL rule as written (in the ACL file or a token claim), placeholders not yet replaced.
 *
 * @param topic     a topic filter with optional %c / %u / ${clientid} / ${username}; "eq FILTER" matches FILTER exactly
 * @param qosMask   bit n set = QoS n covered (7 = any)
 * @param retain    null = either; else only PUBLISH with that retain flag
 * @param who       null = every client; else the rule applies only to that user, client or anonymous clients
 */
public record AclRule(boolean allow, Action action, String topic, int qosMask, Boolean retain, Who who) {

  public enum Action { PUBLISH, SUBSCRIBE, ALL }

  /** Whom a file rule is for. */
  public record Who(Kind kind, String name) {
    public enum Kind { USER, CLIENT, ANONYMOUS }

    boolean applies(String clientId, String username) {
      return switch (kind) {
        case USER -> name.equals(username);
        case CLIENT -> name.equals(clientId);
        case ANONYMOUS -> username == null;
      };
    }
  }

  public static final int ANY_QOS = 7;
}
