package io.vela.config;

import java.util.ArrayList;
import java.util.List;

/**
 * TLS of one listener ({@code listeners.<name>.tls}): the server certificate (PEM pair or PKCS#12), the CAs that
 * client certificates must chain to, protocols, cipher suites, client-certificate identity and reloading.
 */
public final class TlsConfig {

  /** Whether clients must, may or must not present a certificate. */
  public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

  /** PEM file with the server certificate (and any intermediates after it). */
  public String cert;

  /** PEM file with the private key of {@link #cert} (PKCS#8, PKCS#1 RSA or SEC1 EC). */
  public String key;

  /** PKCS#12 file with the server certificate and key (instead of cert and key). */
  public String pkcs12;

  /** Password of {@link #pkcs12}. */
  public String pkcs12Password;

  /** PEM file with the CA certificates that client certificates are checked against. */
  public String ca;

  public ClientAuth clientAuth = ClientAuth.NONE;

  /** Enabled protocol versions (TLSv1.2 and TLSv1.3 only). */
  public List<String> protocols = new ArrayList<>(List.of("TLSv1.3", "TLSv1.2"));

  /** Enabled cipher suites; empty = the JDK's secure defaults for the enabled protocols. */
  public List<String> cipherSuites = new ArrayList<>();

  /**
   * Use the client certificate's Common Name (or, without one, its first Subject Alternative Name) as the user name,
   * replacing the one the client sent; a client without a certificate then has no user name.
   */
  public boolean cnAsUsername = false;

  /** Check the certificate files for changes every so many seconds and reload them; 0 = only on request. */
  public int reloadIntervalSeconds = 0;
}
