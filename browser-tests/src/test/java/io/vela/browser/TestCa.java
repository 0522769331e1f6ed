package io.vela.browser;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA and a server certificate for 127.0.0.1/localhost, made at test time (EC P-256) and written as PEM
 * files into a directory of the test run; no key is committed. Browsers check the server certificate the way they
 * check any site's (SAN, validity, key usage), so it carries what a public one would.
 */
public final class TestCa {

  private final Path caCert;
  private final Path serverCert;
  private final Path serverKey;
  private final String serverSpkiSha256;

  private TestCa(Path caCert, Path serverCert, Path serverKey, String serverSpkiSha256) {
    this.caCert = caCert;
    this.serverCert = serverCert;
    this.serverKey = serverKey;
    this.serverSpkiSha256 = serverSpkiSha256;
  }

  /** Makes a CA and a server certificate signed by it and writes them into {@code dir}. */
  public static TestCa create(Path dir) throws Exception {
    Files.createDirectories(dir);
    KeyPair caKeys = keyPair();
    X500Name caName = new X500Name("CN=Vela browser-tests CA,O=Vela tests");
    Instant now = Instant.now();
    X509v3CertificateBuilder ca = builder(caName, caName, caKeys, now, Duration.ofDays(2));
    ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate caCert = sign(ca, caKeys);

    KeyPair serverKeys = keyPair();
    // browsers refuse leaf certificates valid for more than 398 days; two days is plenty for a test run
    X509v3CertificateBuilder server = builder(caName, new X500Name("CN=127.0.0.1,O=Vela tests"), serverKeys, now,
        Duration.ofDays(2));
    server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    X509Certificate serverCert = sign(server, caKeys);

    Path caFile = dir.resolve("ca.crt");
    Path certFile = dir.resolve("server.crt");
    Path keyFile = dir.resolve("server.key");
    Files.writeString(caFile, pem("CERTIFICATE", der(caCert)));
    // the chain a browser is sent: leaf then CA
    Files.writeString(certFile, pem("CERTIFICATE", der(serverCert)) + pem("CERTIFICATE", der(caCert)));
    Files.writeString(keyFile, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
    return new TestCa(caFile, certFile, keyFile, spkiSha256(serverCert));
  }

  /** The CA certificate (PEM). */
  public Path caCert() {
    return caCert;
  }

  /** The server certificate chain (PEM): leaf, then CA. */
  public Path serverCert() {
    return serverCert;
  }

  public Path serverKey() {
    return serverKey;
  }

  /** Base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (Chromium's certificate pin format). */
  public String serverSpkiSha256() {
    return serverSpkiSha256;
  }

  private static String spkiSha256(X509Certificate cert) throws NoSuchAlgorithmException {
    return Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Instant now,
      Duration validity) {
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()).add(
        BigInteger.valueOf(subject.hashCode() & 0xffff)), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(validity)), subject, keys.getPublic());
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

  private static byte[] der(X509Certificate cert) throws IOException {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
