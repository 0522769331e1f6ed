package io.vela.console;

import java.util.Locale;

/** What an admin user or API key may do: read everything, or also change things. */
enum Role {
  READ_ONLY, ADMIN;

  /** The role as written in the config and shown by the API: {@code read-only} or {@code admin}. */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Role parse(String label) {
    for (Role r : values()) {
      if (r.label().equals(label)) {
        return r;
      }
    }
    return null;
  }
}
