package io.vela.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vela.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordHashTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("a hash verifies its password only, and two hashes of one password differ (salted)")
  void hashAndVerify() {
    String h = PasswordHash.hash("s3cret".toCharArray(), 1000);
    assertThat(h).startsWith("$pbkdf2-sha256$1000$");
    assertThat(PasswordHash.verify("s3cret".toCharArray(), h)).isTrue();
    assertThat(PasswordHash.verify("s3cret!".toCharArray(), h)).isFalse();
    assertThat(PasswordHash.hash("s3cret".toCharArray(), 1000)).isNotEqualTo(h);
    assertThat(PasswordHash.verify("x".toCharArray(), "plain")).isFalse();
    assertThat(PasswordHash.isValid("$pbkdf2-sha256$1000$AAAA$BBBB")).isFalse();
  }

  @Test
  @DisplayName("users file: put adds and replaces a user, read gives them back; a broken line names the line")
  void usersFile() throws Exception {
    Path f = dir.resolve("users");
    UsersFile.put(f, "alice", PasswordHash.hash("a".toCharArray(), 1000));
    UsersFile.put(f, "bob", PasswordHash.hash("b".toCharArray(), 1000));
    UsersFile.put(f, "alice", PasswordHash.hash("a2".toCharArray(), 1000));
    assertThat(UsersFile.read(f)).containsOnlyKeys("alice", "bob");
    assertThat(PasswordHash.verify("a2".toCharArray(), UsersFile.read(f).get("alice"))).isTrue();
    Files.writeString(f, "# users\ncarol:plaintext\n");
    assertThatThrownBy(() -> UsersFile.read(f)).isInstanceOf(ConfigException.class).hasMessageContaining("line 2");
    assertThatThrownBy(() -> UsersFile.put(f, "a:b", "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
