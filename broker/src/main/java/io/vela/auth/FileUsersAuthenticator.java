package io.vela.auth;

import io.vela.api.AuthResult;
import io.vela.api.Authenticator;
import io.vela.api.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code type: file} provider: user name and password checked against a users file. A user not in the file is
 * {@link AuthResult.Outcome#NO_MATCH} (the next provider may know it); a wrong password is bad credentials. The hash
 * check runs on a worker thread (PBKDF2 is slow by design). The file is re-read when it changes, so
 * {@code vela passwd} takes effect without a restart; a broken file keeps the users read before (logged).
 */
public final class FileUsersAuthenticator implements Authenticator {

  private static final Logger LOG = LoggerFactory.getLogger(FileUsersAuthenticator.class);

  private final Vertx vertx;
  private final String name;
  private final Path file;
  private volatile Map<String, String> users;
  private volatile long modified;

  public FileUsersAuthenticator(Vertx vertx, String name, Path file) {
    this.vertx = vertx;
    this.name = name;
    this.file = file;
    this.users = UsersFile.read(file);
    this.modified = lastModified();
  }

  @Override
  public Future<AuthResult> authenticate(Credentials c) {
    if (c.username() == null) {
      return Future.succeededFuture(AuthResult.NO_MATCH);
    }
    return vertx.executeBlocking(() -> check(c), false);
  }

  private AuthResult check(Credentials c) {
    reloadIfChanged();
    String stored = users.get(c.username());
    if (stored == null) {
      return AuthResult.NO_MATCH;
    }
    char[] password = c.password() == null ? null : utf8(c.password());
    try {
      if (password != null && PasswordHash.verify(password, stored)) {
        return AuthResult.allowed(c.username(), null, null);
      }
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
    return AuthResult.denied(AuthResult.Outcome.BAD_CREDENTIALS, "wrong password for user " + c.username()
        + " (provider " + name + ")");
  }

  private static char[] utf8(byte[] bytes) {
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      char[] out = new char[cb.remaining()];
      cb.get(out);
      return out;
    } catch (CharacterCodingException e) {
      return null; // a binary password never matches a hash made from text
    }
  }

  private synchronized void reloadIfChanged() {
    long m = lastModified();
    if (m == modified) {
      return;
    }
    try {
      users = UsersFile.read(file);
      modified = m;
      LOG.info("auth provider {}: users file {} re-read ({} users)", name, file, users.size());
    } catch (RuntimeException e) {
      modified = m;
      LOG.warn("auth provider {}: users file {} not re-read, keeping the users read before: {}", name, file,
          e.getMessage());
    }
  }

  private long lastModified() {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
