package io.vela.it;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests, generated in memory at test time (EC P-256): CAs, server certificates for
 * 127.0.0.1/localhost and client certificates, written as PEM files on demand. No key is ever committed.
 */
final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate with its key pair. */
  record Issued(X509Certificate cert, KeyPair keys) {

    /** Writes the certificate and the key (PKCS#8) as PEM files {@code base.crt} and {@code base.key} in dir. */
    Files2 write(Path dir, String base) throws IOException {
      Path crt = dir.resolve(base + ".crt");
      Path key = dir.resolve(base + ".key");
      writeCert(crt);
      Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
      return new Files2(crt, key);
    }

    void writeCert(Path file) throws IOException {
      try {
        Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()));
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IOException(e);
      }
    }

    /** For a TLS client presenting this certificate. */
    KeyManagerFactory keyManagerFactory() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("me", keys.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "pw".toCharArray());
      return kmf;
    }

    /** For a TLS client trusting this CA. */
    TrustManagerFactory trustManagerFactory() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    }
  }

  /** The two files of a PEM pair. */
  record Files2(Path cert, Path key) {
  }

  private TestPki() {
  }

  static Issued ca(String cn) throws Exception {
    KeyPair keys = keyPair();
    X500Name name = new X500Name("CN=" + cn + ",O=Vela tests");
    X509v3CertificateBuilder b = builder(name, name, keys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Issued(sign(b, keys), keys);
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  static Issued server(Issued ca, String cn) throws Exception {
    return leaf(ca, "CN=" + cn + ",O=Vela tests", new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
  }

  static Issued client(Issued ca, String cn) throws Exception {
    return leaf(ca, "CN=" + cn + ",O=Vela tests", null);
  }

  /** A client certificate without a CN, its identity only in a DNS SAN. */
  static Issued clientSanOnly(Issued ca, String dns) throws Exception {
    return leaf(ca, "O=Vela tests", new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
  }

  private static Issued leaf(Issued ca, String subject, GeneralNames sans) throws Exception {
    KeyPair keys = keyPair();
    X509v3CertificateBuilder b = builder(new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(ca.cert())
        .getSubject(), new X500Name(subject), keys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    if (sans != null) {
      b.addExtension(Extension.subjectAlternativeName, false, sans);
    }
    return new Issued(sign(b, ca.keys()), keys);
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
