package io.vela.console;

import java.io.Console;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Command-line helper for the {@code admin:} config (run by bin/vela-admin): {@code hash-password} reads a password
 * and prints its PHC string for {@code admin.users[].password-hash}; {@code api-key} prints a new random key and the
 * SHA-256 for {@code admin.api-keys[].sha256}.
 */
public final class AdminSecrets {

  private AdminSecrets() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    String command = args.length == 0 ? "" : args[0];
    switch (command) {
      case "hash-password" -> {
        String password = readPassword();
        if (password == null || password.length() < 8) {
          System.err.println("vela-admin: the password must have at least 8 characters");
          System.exit(2);
        }
        out.println(AdminAccounts.hash(password));
      }
      case "api-key" -> {
        String key = AdminSecrets.newKey();
        out.println("key:    " + key);
        out.println("sha256: " + AdminAccounts.sha256(key));
      }
      default -> {
        System.err.println("usage: vela-admin hash-password   (reads the password from the terminal or stdin)");
        System.err.println("       vela-admin api-key         (prints a new API key and its sha256 for the config)");
        System.exit(command.isEmpty() || command.equals("--help") ? 0 : 2);
      }
    }
  }

  static String newKey() {
    return "vela_" + AdminAccounts.randomSecret();
  }

  private static String readPassword() throws java.io.IOException {
    Console console = System.console();
    if (console != null) {
      char[] a = console.readPassword("password: ");
      char[] b = console.readPassword("again:    ");
      if (a == null || b == null || !java.util.Arrays.equals(a, b)) {
        System.err.println("vela-admin: the passwords differ");
        System.exit(2);
      }
      return new String(a);
    }
    java.io.BufferedReader in = new java.io.BufferedReader(
        new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
    return in.readLine();
  }
}
