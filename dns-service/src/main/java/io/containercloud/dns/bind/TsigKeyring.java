package io.containercloud.dns.bind;

import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.xbill.DNS.TSIG;

/**
 * The TSIG keys zones may reference by name ({@code platform.dns.tsig-keys.<name>.algorithm} and
 * {@code .secret}). Secrets come from configuration (a mounted secret or the environment), are
 * checked at start, and never leave this class: the API only ever shows key names.
 */
@Component
public class TsigKeyring {

  static final String PREFIX = "platform.dns.tsig-keys";
  private static final Set<String> ALGORITHMS =
      Set.of("hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");

  private final Map<String, TSIG> keys = new TreeMap<>();

  TsigKeyring(Environment environment) {
    Bindable<Map<String, Map<String, String>>> type =
        Bindable.of(
            ResolvableType.forClassWithGenerics(
                Map.class,
                ResolvableType.forClass(String.class),
                ResolvableType.forClassWithGenerics(Map.class, String.class, String.class)));
    Map<String, Map<String, String>> configured =
        Binder.get(environment).bind(PREFIX, type).orElse(Map.of());
    configured.forEach((name, settings) -> keys.put(name, load(name, settings)));
  }

  public boolean contains(String name) {
    return keys.containsKey(name);
  }

  public Set<String> names() {
    return keys.keySet();
  }

  TSIG key(String name) {
    TSIG key = keys.get(name);
    if (key == null) {
      throw new IllegalStateException("no TSIG key '" + name + "' under " + PREFIX);
    }
    return key;
  }

  private static TSIG load(String name, Map<String, String> settings) {
    String algorithm = settings.getOrDefault("algorithm", "hmac-sha256");
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalStateException(
          PREFIX + "." + name + ".algorithm must be one of " + ALGORITHMS);
    }
    String secret = settings.getOrDefault("secret", "");
    try {
      if (Base64.getDecoder().decode(secret).length < 16) {
        throw new IllegalArgumentException("too short");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          PREFIX + "." + name + ".secret must be a base64 key of 16 bytes or more");
    }
    return new TSIG(TSIG.algorithmToName(algorithm), name, secret);
  }
}
