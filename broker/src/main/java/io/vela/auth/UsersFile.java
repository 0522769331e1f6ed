package io.vela.auth;

import io.vela.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A users file: one {@code user:hash} line per user ({@link PasswordHash} format), {@code #} comments and blank
 * lines allowed. Written by {@code vela passwd FILE USER}; read by the {@code type: file} provider.
 */
public final class UsersFile {

  private UsersFile() {
  }

  /** The users of {@code file}; a malformed line is a ConfigException naming file and line. */
  public static Map<String, String> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("users file not found: " + file + " (create it with: vela passwd " + file
          + " USER)");
    } catch (IOException e) {
      throw new ConfigException("cannot read users file " + file + ": " + e.getMessage());
    }
    Map<String, String> users = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !PasswordHash.isValid(line.substring(colon + 1))) {
        throw new ConfigException(file + " line " + (i + 1) + ": expected USER:$pbkdf2-sha256$... (write it with "
            + "vela passwd)");
      }
      users.put(line.substring(0, colon), line.substring(colon + 1));
    }
    return users;
  }

  /**
   * Adds or replaces {@code user} in {@code file} (created if missing), keeping the other lines, by writing a temp
   * file and moving it into place.
   */
  public static void put(Path file, String user, String hash) throws IOException {
    if (user.isEmpty() || user.contains(":") || user.contains("\n") || user.strip().length() != user.length()) {
      throw new IllegalArgumentException("a user name must be non-empty, without ':' or surrounding blanks");
    }
    List<String> out = new ArrayList<>();
    boolean replaced = false;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith(user + ":")) {
          if (!replaced) {
            out.add(user + ":" + hash);
            replaced = true;
          }
        } else {
          out.add(line);
        }
      }
    }
    if (!replaced) {
      out.add(user + ":" + hash);
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".vela-users", ".tmp");
    Files.write(tmp, out, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
