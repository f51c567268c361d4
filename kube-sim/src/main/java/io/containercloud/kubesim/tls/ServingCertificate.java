package io.containercloud.kubesim.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An API server's serving certificate and key, signed by its cluster's CA.
 *
 * @param certificate the leaf the server presents (alone, as kube-apiserver does: clients hold the
 *     CA)
 * @param key its private key, kept in memory only
 * @param ca the certificate of the CA that signed it
 */
public record ServingCertificate(X509Certificate certificate, PrivateKey key, X509Certificate ca) {

  /** A server-side TLS context presenting this certificate (TLS 1.2 and 1.3). */
  public SSLContext serverContext() {
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("serving", key, password, new Certificate[] {certificate});
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(
          "cannot serve TLS with " + certificate.getSubjectX500Principal(), e);
    }
  }

  @Override
  public String toString() {
    return "ServingCertificate[" + certificate.getSubjectX500Principal() + "]"; // never the key
  }
}
