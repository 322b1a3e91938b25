package dev.portolan.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a member of the event bus is, read from its certificate: its {@code name} (the subject's CN,
 * the node name by convention) and its {@code roles}, from SAN URIs {@code urn:portolan:role:hub} /
 * {@code urn:portolan:role:agent} ({@link BusRole}). A certificate should carry one role; one with
 * none is no member of a fleet with roles. Plain Java: the same check serves any transport that
 * authenticates nodes by certificate.
 */
public record BusIdentity(String name, Set<BusRole> roles) {
  public BusIdentity {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  /** The identity {@code cert} carries (a name of null when the subject has no CN). */
  public static BusIdentity of(X509Certificate cert) {
    Set<BusRole> roles = EnumSet.noneOf(BusRole.class);
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> san : names) {
          // 6: uniformResourceIdentifier (RFC 5280 GeneralName)
          if (san.size() >= 2
              && Integer.valueOf(6).equals(san.get(0))
              && san.get(1) instanceof String uri) {
            BusRole role = BusRole.fromUri(uri.trim());
            if (role != null) {
              roles.add(role);
            }
          }
        }
      }
    } catch (CertificateParsingException e) {
      // an unparsable SAN extension names no role
    }
    return new BusIdentity(commonName(cert), roles);
  }

  /** The identity of the first certificate in the PEM file {@code pem}. */
  public static BusIdentity read(Path pem) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(pem)) {
      return of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
  }

  public boolean has(BusRole role) {
    return roles.contains(role);
  }

  /** Whether it has one of {@code accepted}. */
  public boolean hasAny(Set<BusRole> accepted) {
    return roles.stream().anyMatch(accepted::contains);
  }

  /** In words, for logs and refusals: {@code CN=web-1 (role agent)}, {@code CN=x (no role)}. */
  public String describe() {
    String who = "CN=" + (name == null ? "?" : name);
    if (roles.isEmpty()) {
      return who + " (no role)";
    }
    return who
        + " (role "
        + String.join(" and ", roles.stream().map(BusRole::wireName).sorted().toList())
        + ")";
  }

  private static String commonName(X509Certificate cert) {
    try {
      List<Rdn> rdns = new LdapName(cert.getSubjectX500Principal().getName()).getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if ("CN".equalsIgnoreCase(rdns.get(i).getType())) {
          return rdns.get(i).getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // no CN
    }
    return null;
  }
}
