package io.vela.auth;

import io.vela.api.Authorizer;
import io.vela.api.ClientIdentity;
import io.vela.api.Permissions;
import io.vela.metrics.BrokerMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's authorizer: rules from the token claim (auth.acl.claim) first, then the ACL file's, then
 * auth.acl.no-match. Placeholders are replaced and filters compiled once per connection, here, at CONNECT or
 * re-authentication; a placeholder whose value would widen the filter (contains / + or #) or is missing (no user
 * name) makes its rule not apply.
 */
public final class AclAuthorizer implements Authorizer {

  private final List<AclRule> fileRules;
  private final String claim;
  private final boolean noMatchAllows;
  private final boolean cacheLastDecision;
  private final BrokerMetrics metrics;

  public AclAuthorizer(List<AclRule> fileRules, String claim, boolean noMatchAllows, boolean cacheLastDecision,
                       BrokerMetrics metrics) {
    this.fileRules = List.copyOf(fileRules);
    this.claim = claim;
    this.noMatchAllows = noMatchAllows;
    this.cacheLastDecision = cacheLastDecision;
    this.metrics = metrics;
  }

  /**
   * @throws IllegalArgumentException when the token's ACL claim is malformed (the connection is then refused)
   */
  @Override
  public Permissions permissions(ClientIdentity id) {
    List<AclPermissions.Compiled> compiled = new ArrayList<>();
    if (claim != null && id.claims() != null && id.claims().containsKey(claim)) {
      List<AclRule> claimRules;
      try {
        claimRules = ClaimAcl.parse(id.claims().getValue(claim));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ACL claim '" + claim + "' malformed: " + e.getMessage());
      }
      compile(claimRules, id, "claim " + claim, compiled);
    }
    compile(fileRules, id, "acl file", compiled);
    if (compiled.isEmpty() && noMatchAllows) {
      return Permissions.ALLOW_ALL;
    }
    return new AclPermissions(compiled, noMatchAllows, id.clientId(), metrics, cacheLastDecision);
  }

  private static void compile(List<AclRule> rules, ClientIdentity id, String source,
                              List<AclPermissions.Compiled> out) {
    for (int i = 0; i < rules.size(); i++) {
      AclRule r = rules.get(i);
      if (r.who() != null && !r.who().applies(id.clientId(), id.username())) {
        continue;
      }
      String topic = substitute(r.topic(), id.clientId(), id.username());
      if (topic == null) {
        continue;
      }
      out.add(new AclPermissions.Compiled(r.allow(), r.action(), AclFilter.of(topic), r.qosMask(), r.retain(),
          source + " #" + (i + 1) + " (" + (r.allow() ? "allow " : "deny ") + r.topic() + ")"));
    }
  }

  /** The filter with placeholders replaced, or null when a value is missing or would act as a wildcard. */
  static String substitute(String topic, String clientId, String username) {
    if (topic.indexOf('%') < 0 && topic.indexOf('$') < 0) {
      return topic;
    }
    boolean needsUser = topic.contains("%u") || topic.contains("${username}");
    boolean needsClient = topic.contains("%c") || topic.contains("${clientid}");
    if (needsUser && !safe(username) || needsClient && !safe(clientId)) {
      return null;
    }
    String t = topic;
    if (needsClient) {
      t = t.replace("%c", clientId).replace("${clientid}", clientId);
    }
    if (needsUser) {
      t = t.replace("%u", username).replace("${username}", username);
    }
    return t;
  }

  private static boolean safe(String value) {
    return value != null && !value.isEmpty() && value.indexOf('/') < 0 && value.indexOf('+') < 0
        && value.indexOf('#') < 0;
  }
}
