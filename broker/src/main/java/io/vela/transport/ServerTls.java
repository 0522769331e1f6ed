package io.vela.transport;

import io.vela.config.ConfigException;
import io.vela.config.TlsConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.impl.KeyStoreHelper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The TLS material of one listener, read from the files named in {@code listeners.<name>.tls} and checked before a
 * server uses it: every file exists and is readable, the certificate parses, the private key parses and belongs to the
 * certificate, the CA file holds certificates. Any problem is a {@link ConfigException} naming the key and the file.
 *
 * <p>The options carry the file contents, not the paths, so a reload with changed files yields options that differ
 * from the running ones (and identical files yield equal options: nothing to do). Reads files: call it off the event
 * loop.
 */
public final class ServerTls {

  private final ServerSSLOptions options;
  private final X509Certificate certificate;

  private ServerTls(ServerSSLOptions options, X509Certificate certificate) {
    this.options = options;
    this.certificate = certificate;
  }

  public ServerSSLOptions options() {
    return options;
  }

  /** The server certificate (the first of its chain). */
  public X509Certificate certificate() {
    return certificate;
  }

  /** One line describing the certificate, for logs. */
  public String describe() {
    return "subject '" + certificate.getSubjectX500Principal().getName() + "', serial "
        + certificate.getSerialNumber().toString(16) + ", valid until " + certificate.getNotAfter().toInstant();
  }

  /** The files a change of which calls for a reload. */
  public static List<Path> files(TlsConfig tls) {
    List<Path> files = new ArrayList<>();
    for (String f : new String[] {tls.cert, tls.key, tls.pkcs12, tls.ca}) {
      if (f != null) {
        files.add(Path.of(f));
      }
    }
    return files;
  }

  /**
   * Reads and checks the files.
   *
   * @param key the config key of the tls section, e.g. {@code listeners.tls.tls}, for messages
   */
  public static ServerTls load(String key, TlsConfig tls) {
    ServerSSLOptions o = new ServerSSLOptions();
    X509Certificate certificate;
    if (tls.pkcs12 != null) {
      Buffer p12 = read(key + ".pkcs12", tls.pkcs12);
      PfxOptions pfx = new PfxOptions().setValue(p12).setPassword(tls.pkcs12Password);
      KeyStore store;
      try {
        store = pfx.loadKeyStore(null);
      } catch (Exception e) {
        throw error(key + ".pkcs12", tls.pkcs12, "cannot open it as PKCS#12 (" + message(e)
            + "; is pkcs12-password right?)");
      }
      certificate = checkKeyEntry(key + ".pkcs12", tls.pkcs12, store, tls.pkcs12Password);
      o.setKeyCertOptions(pfx);
    } else {
      Buffer cert = read(key + ".cert", tls.cert);
      Buffer privateKey = read(key + ".key", tls.key);
      if (certificates(cert).isEmpty()) {
        throw error(key + ".cert", tls.cert, "no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)");
      }
      PemKeyCertOptions pem = new PemKeyCertOptions().setCertValue(cert).setKeyValue(privateKey);
      KeyStore store;
      try {
        store = pem.loadKeyStore(null);
      } catch (Exception e) {
        throw error(key + ".key", tls.key, "not a usable PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC): "
            + message(e));
      }
      certificate = checkKeyEntry(key + ".key", tls.key + " with certificate " + tls.cert, store,
          KeyStoreHelper.DUMMY_PASSWORD);
      o.setKeyCertOptions(pem);
    }
    if (tls.ca != null) {
      Buffer ca = read(key + ".ca", tls.ca);
      if (certificates(ca).isEmpty()) {
        throw error(key + ".ca", tls.ca, "no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)");
      }
      o.setTrustOptions(new PemTrustOptions().addCertValue(ca));
    }
    o.setClientAuth(switch (tls.clientAuth) {
      case NONE -> ClientAuth.NONE;
      case OPTIONAL -> ClientAuth.REQUEST;
      case REQUIRED -> ClientAuth.REQUIRED;
    });
    o.setEnabledSecureTransportProtocols(new LinkedHashSet<>(tls.protocols));
    for (String suite : tls.cipherSuites) {
      o.addEnabledCipherSuite(suite);
    }
    return new ServerTls(o, certificate);
  }

  /** The certificate of the (single) key entry, after checking that its private key belongs to it. */
  private static X509Certificate checkKeyEntry(String key, String file, KeyStore store, String password) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (!store.isKeyEntry(alias)) {
          continue;
        }
        Key k = store.getKey(alias, password == null ? new char[0] : password.toCharArray());
        Certificate[] chain = store.getCertificateChain(alias);
        if (!(k instanceof PrivateKey pk) || chain == null || chain.length == 0
            || !(chain[0] instanceof X509Certificate cert)) {
          continue;
        }
        if (!matches(pk, cert)) {
          throw error(key, file, "the private key does not belong to the certificate");
        }
        return cert;
      }
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw error(key, file, "cannot read the key: " + message(e));
    }
    throw error(key, file, "no private key with a certificate in it");
  }

  /** Signs random bytes with the private key and verifies them with the certificate's public key. */
  private static boolean matches(PrivateKey key, X509Certificate cert) throws Exception {
    String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "ED25519", "ED448", "EDDSA" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return true; // an algorithm we cannot test here: the handshake will tell
    }
    if (!key.getAlgorithm().equalsIgnoreCase(cert.getPublicKey().getAlgorithm())
        && !(algorithm.equals("EdDSA") && cert.getPublicKey().getAlgorithm().toUpperCase(Locale.ROOT).startsWith("ED"))) {
      return false;
    }
    byte[] data = new byte[32];
    new SecureRandom().nextBytes(data);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(cert.getPublicKey());
    verifier.update(data);
    return verifier.verify(signature);
  }

  private static Collection<? extends Certificate> certificates(Buffer pem) {
    try {
      return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes()));
    } catch (Exception e) {
      return List.of();
    }
  }

  private static Buffer read(String key, String file) {
    Path path = Path.of(file);
    try {
      if (Files.isDirectory(path)) {
        throw error(key, file, "is a directory, not a file");
      }
      return Buffer.buffer(Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      throw error(key, file, "file not found");
    } catch (AccessDeniedException e) {
      throw error(key, file, "not readable (permission denied)");
    } catch (IOException e) {
      throw error(key, file, "cannot read it: " + message(e));
    }
  }

  private static ConfigException error(String key, String file, String problem) {
    return new ConfigException("config key '" + key + "': " + file + ": " + problem);
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
  }
}
