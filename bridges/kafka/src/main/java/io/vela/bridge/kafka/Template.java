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
   * @param allowed the placeholder names that may appear; a name of digits (topic level) passes when
   *                {@code levels} is true; names starting with a prefix ending in '.' (e.g. {@code header.}) pass when
   *                the prefix is in {@code allowed}
   * @throws IllegalArgumentException naming the problem (the caller adds the config key)
   */
  static Template parse(String source, Set<String> allowed, boolean levels) {
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
      boolean ok = allowed.contains(name)
          || (levels && !name.isEmpty() && name.chars().allMatch(Character::isDigit) && Integer.parseInt(name) > 0)
          || (name.indexOf('.') > 0 && allowed.contains(name.substring(0, name.indexOf('.') + 1)));
      if (!ok) {
        throw new IllegalArgumentException("unknown placeholder '${" + name + "}' in '" + source + "' (known: "
            + String.join(", ", allowed) + (levels ? ", 1, 2, ... (topic levels)" : "") + ")");
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
