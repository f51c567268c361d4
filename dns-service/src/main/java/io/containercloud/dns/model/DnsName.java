package io.containercloud.dns.model;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A domain name checked against RFC 1035/1123 before it goes anywhere near BIND: labels of 1 to 63
 * letters, digits and inner hyphens, at most 253 characters in all, ASCII only (IDNs must come as
 * {@code xn--} punycode). Underscore labels ({@code _sip._tcp}) and a leading {@code *} are allowed
 * only where the record type calls for them. Stored lower case, without the final dot.
 */
public final class DnsName {

  private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern SERVICE_LABEL =
      Pattern.compile("_[a-z0-9]([a-z0-9-]{0,60}[a-z0-9])?");
  private static final int MAX_LENGTH = 253;

  private DnsName() {}

  /** How special leading labels may be. */
  public enum Labels {
    /** Host names only: letters, digits, hyphens. */
    HOST,
    /** Host names, a leading {@code *} wildcard, and leading {@code _service} labels. */
    OWNER
  }

  /**
   * Normalizes {@code raw} (lower case, no final dot) or says why it is not a valid name.
   *
   * @return the reason it is invalid, or empty when valid
   */
  public static Optional<String> problem(String raw, Labels labels) {
    if (raw == null || raw.isEmpty()) {
      return Optional.of("must not be empty");
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return Optional.of(
            "must be ASCII without spaces or control characters (use xn-- punycode)");
      }
    }
    String name = normalize(raw);
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      return Optional.of("must have 1 to " + MAX_LENGTH + " characters");
    }
    String[] parts = name.split("\\.", -1);
    boolean specialAllowed = labels == Labels.OWNER;
    for (int i = 0; i < parts.length; i++) {
      String label = parts[i];
      if (label.isEmpty()) {
        return Optional.of("must not have empty labels");
      }
      if (label.length() > 63) {
        return Optional.of(
            "label '" + label.substring(0, 10) + "...' is longer than 63 characters");
      }
      boolean ok =
          HOST_LABEL.matcher(label).matches()
              || (specialAllowed && i == 0 && label.equals("*"))
              || (specialAllowed
                  && SERVICE_LABEL.matcher(label).matches()
                  && leadingUnderscores(parts, i));
      if (!ok) {
        return Optional.of("label '" + label + "' may hold only letters, digits and inner hyphens");
      }
    }
    return Optional.empty();
  }

  /** Lower case, without the final dot. */
  public static String normalize(String raw) {
    String name = raw.toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /** Whether {@code name} is {@code zone} itself or below it. */
  public static boolean isWithin(String name, String zone) {
    return name.equals(zone) || name.endsWith("." + zone);
  }

  // _service labels only at the front, as in _sip._tcp.example.com
  private static boolean leadingUnderscores(String[] parts, int index) {
    for (int i = 0; i < index; i++) {
      if (!parts[i].startsWith("_")) {
        return false;
      }
    }
    return true;
  }
}
