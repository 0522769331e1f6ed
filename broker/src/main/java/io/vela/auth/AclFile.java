package io.vela.auth;

import io.vela.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an ACL file: one rule per line, first match wins, {@code #} starts a comment.
 * <pre>
 * # permission  action                          topic filter        [for whom]
 * allow         publish                         devices/%c/up
 * allow         subscribe                       devices/%c/down/#
 * deny          all                             admin/#
 * allow         all                             admin/#             user:admin
 * allow         subscribe                       public/#            anonymous
 * </pre>
 * action is publish, subscribe, all (or both); %c is the client id, %u the user name; whom is user:NAME,
 * client:ID or anonymous (missing = everyone). Errors name the file and line.
 */
public final class AclFile {

  private AclFile() {
  }

  public static List<AclRule> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new ConfigException("config key 'auth.acl.file': cannot read " + file + ": " + e.getMessage());
    }
    try {
      return parse(lines, file.toString());
    } catch (ConfigException e) {
      throw new ConfigException("config key 'auth.acl.file': " + e.getMessage());
    }
  }

  static List<AclRule> parse(List<String> lines, String source) {
    List<AclRule> rules = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf(" #");
      if (line.strip().startsWith("#")) {
        continue;
      }
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      String[] f = line.strip().split("\\s+");
      if (f.length == 1 && f[0].isEmpty()) {
        continue;
      }
      String where = source + " line " + (i + 1) + ": ";
      if (f.length < 3 || f.length > 4) {
        throw new ConfigException(where + "expected 'allow|deny publish|subscribe|all FILTER [user:NAME|client:ID|"
            + "anonymous]', found '" + line.strip() + "'");
      }
      boolean allow = switch (f[0].toLowerCase(Locale.ROOT)) {
        case "allow" -> true;
        case "deny" -> false;
        default -> throw new ConfigException(where + "'" + f[0] + "' is not allow or deny");
      };
      AclRule.Action action = action(f[1]);
      if (action == null) {
        throw new ConfigException(where + "'" + f[1] + "' is not publish, subscribe or all");
      }
      String problem = ClaimAcl.filterProblem(f[2]);
      if (problem != null) {
        throw new ConfigException(where + "topic filter '" + f[2] + "': " + problem);
      }
      AclRule.Who who = null;
      if (f.length == 4) {
        who = who(f[3]);
        if (who == null) {
          throw new ConfigException(where + "'" + f[3] + "' is not user:NAME, client:ID or anonymous");
        }
      }
      rules.add(new AclRule(allow, action, f[2], AclRule.ANY_QOS, null, who));
    }
    return rules;
  }

  static AclRule.Action action(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "publish", "pub" -> AclRule.Action.PUBLISH;
      case "subscribe", "sub" -> AclRule.Action.SUBSCRIBE;
      case "all", "both" -> AclRule.Action.ALL;
      default -> null;
    };
  }

  private static AclRule.Who who(String s) {
    if (s.equals("anonymous")) {
      return new AclRule.Who(AclRule.Who.Kind.ANONYMOUS, null);
    }
    if (s.startsWith("user:") && s.length() > 5) {
      return new AclRule.Who(AclRule.Who.Kind.USER, s.substring(5));
    }
    if (s.startsWith("client:") && s.length() > 7) {
      return new AclRule.Who(AclRule.Who.Kind.CLIENT, s.substring(7));
    }
    return null;
  }
}
