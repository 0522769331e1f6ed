package io.vela.codec;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The identity a TLS client's certificate carries. */
final class PeerCertificates {

  /** SAN types used as a name: rfc822Name (1), dNSName (2), URI (6), iPAddress (7). */
  private static final List<Integer> NAME_TYPES = List.of(1, 2, 6, 7);

  private PeerCertificates() {
  }

  /** The subject CN of the client's certificate, else its first usable SAN; null without a certificate. */
  static String name(SSLSession session) {
    if (session == null) {
      return null;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null; // client-auth optional and the client sent no certificate
    }
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      return null;
    }
    String cn = commonName(cert);
    return cn != null ? cn : firstSubjectAlternativeName(cert);
  }

  static String commonName(X509Certificate cert) {
    try {
      LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
      // LdapName indexes RDNs from the right (most general first): look from the most specific one
      for (int i = dn.size() - 1; i >= 0; i--) {
        Rdn rdn = dn.getRdns().get(i);
        if ("CN".equalsIgnoreCase(rdn.getType()) && rdn.getValue() != null) {
          String v = rdn.getValue().toString();
          if (!v.isEmpty()) {
            return v;
          }
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  static String firstSubjectAlternativeName(X509Certificate cert) {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return null;
    }
    if (sans == null) {
      return null;
    }
    for (List<?> san : sans) {
      if (san.size() >= 2 && NAME_TYPES.contains(san.get(0)) && san.get(1) instanceof String s && !s.isEmpty()) {
        return s;
      }
    }
    return null;
  }
}
