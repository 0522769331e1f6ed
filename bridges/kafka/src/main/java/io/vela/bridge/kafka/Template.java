package io.vela.bridge.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A string with {@code ${name}} placeholders, parsed once at config load: {@code telemetry.${1}} (MQTT topic level 1),
 * {@code commands/${key}}. Rendering looks every name up through a resolver; a name it has no value for renders as
 * an empty string.
 */
final class Template {

  private final String source;
  private final List<String> literals = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  private Template(String source) {
    this.source = source;
  }

  /**
   * @param allowed   the placeholder names that may appear; names starting with a prefix ending in '.' (e.g.
   *                  {@code header.}) pass when the prefix is in {@code allowed}
   * @param wildcards how many numbered placeholders ({@code ${1}} .. {@code ${wildcards}}) may appear
   * @throws IllegalArgumentException naming the problem (the caller adds the config key)
   */
  static Template parse(String source, Set<String> allowed, int wildcards) {
    Template t = new Template(source);
    int i = 0;
    StringBuilder literal = new StringBuilder();
    while (i < source.length()) {
      int open = source.indexOf("${", i);
      if (open < 0) {
        literal.append(source, i, source.length());
        break;
      }
      literal.append(source, i, open);
      int close = source.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '${' in '" + source + "'");
      }
      String name = source.substring(open + 2, close);
      boolean number = !name.isEmpty() && name.length() < 6 && name.chars().allMatch(Character::isDigit);
      if (number && (Integer.parseInt(name) < 1 || Integer.parseInt(name) > wildcards)) {
        throw new IllegalArgumentException("'${" + name + "}' in '" + source + "' but the topic filter has "
            + (wildcards == 0 ? "no" : "only " + wildcards) + " wildcard(s) ('+' or '#')");
      }
      boolean ok = number || allowed.contains(name)
          || (name.indexOf('.') > 0 && allowed.contains(name.substring(0, name.indexOf('.') + 1)));
      if (!ok) {
        throw new IllegalArgumentException("unknown placeholder '${" + name + "}' in '" + source + "' (known: "
            + String.join(", ", new java.util.TreeSet<>(allowed)) + (wildcards > 0 ? ", 1, 2, ... (what the filter's "
            + "wildcards matched)" : "") + ")");
      }
      t.literals.add(literal.toString());
      literal.setLength(0);
      t.names.add(name);
      i = close + 1;
    }
    t.literals.add(literal.toString());
    return t;
  }

  /** The template is exactly one placeholder and nothing else, e.g. {@code ${correlation-data}}. */
  String soleName() {
    return names.size() == 1 && literals.get(0).isEmpty() && literals.get(1).isEmpty() ? names.get(0) : null;
  }

  boolean constant() {
    return names.isEmpty();
  }

  String render(Function<String, String> values) {
    if (names.isEmpty()) {
      return literals.get(0);
    }
    StringBuilder out = new StringBuilder(source.length() + 16);
    for (int i = 0; i < names.size(); i++) {
      out.append(literals.get(i));
      String v = values.apply(names.get(i));
      if (v != null) {
        out.append(v);
      }
    }
    return out.append(literals.get(names.size())).toString();
  }

  @Override
  public String toString() {
    return source;
  }
}
