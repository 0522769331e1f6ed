package io.vela.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} in text values of the configuration with the environment variable NAME, e.g.
 * {@code issuer: ${VELA_OIDC_ISSUER}}; {@code ${NAME:-default}} gives a default for a variable that is not set;
 * {@code $${} writes a literal {@code ${}. A variable that is not set, without a default, is a configuration error
 * naming the key and the variable. Keys are never substituted. Only names in the environment
 * variables' convention (upper case, digits, underscores) are references: {@code ${topic}} or {@code ${1}} stay as
 * they are, for the templates of the Kafka bridge.
 */
final class EnvSubstitution {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?}");

  private EnvSubstitution() {
  }

  /** Substitutes in place and returns the names of the variables used. */
  static Set<String> apply(ObjectNode tree, Map<String, String> env, String source) {
    Set<String> used = new HashSet<>();
    walk(tree, "", env, source, used);
    return used;
  }

  private static void walk(JsonNode node, String path, Map<String, String> env, String source, Set<String> used) {
    if (node instanceof ObjectNode obj) {
      Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getValue().isTextual()) {
          e.setValue(TextNode.valueOf(substitute(e.getValue().textValue(), key, env, source, used)));
        } else {
          walk(e.getValue(), key, env, source, used);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        String key = path + "." + i;
        if (arr.get(i).isTextual()) {
          arr.set(i, TextNode.valueOf(substitute(arr.get(i).textValue(), key, env, source, used)));
        } else {
          walk(arr.get(i), key, env, source, used);
        }
      }
    }
  }

  static String substitute(String text, String key, Map<String, String> env, String source, Set<String> used) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group(1) == null) {
        replacement = "${";
      } else {
        String name = m.group(1);
        replacement = env.get(name);
        if (replacement == null) {
          replacement = m.group(2);
        }
        if (replacement == null) {
          throw new ConfigException(source + ": config key '" + key + "': environment variable " + name
              + " is not set (the value is ${" + name + "}; write ${" + name + ":-default} for a default)");
        }
        used.add(name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
