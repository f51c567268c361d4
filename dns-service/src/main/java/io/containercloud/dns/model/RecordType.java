package io.containercloud.dns.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record types the platform manages, each with the rules for its values and one canonical text
 * per value, so desired state and what BIND returns compare equal when they mean the same.
 */
public enum RecordType {
  A {
    @Override
    Optional<String> problem(String value) {
      return IPV4.matcher(value).matches()
          ? Optional.empty()
          : Optional.of("must be an IPv4 address");
    }

    @Override
    String canonicalOf(String value) {
      return value;
    }
  },
  AAAA {
    @Override
    Optional<String> problem(String value) {
      return ipv6(value).isPresent() ? Optional.empty() : Optional.of("must be an IPv6 address");
    }

    @Override
    String canonicalOf(String value) {
      return ipv6(value).orElseThrow().getHostAddress();
    }
  },
  CNAME {
    @Override
    Optional<String> problem(String value) {
      return DnsName.problem(value, DnsName.Labels.HOST).map(p -> "must be a host name: " + p);
    }

    @Override
    String canonicalOf(String value) {
      return DnsName.normalize(value);
    }
  },
  TXT {
    @Override
    Optional<String> problem(String value) {
      if (value.isEmpty() || value.length() > MAX_TXT) {
        return Optional.of("must have 1 to " + MAX_TXT + " characters");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
          return Optional.of("may hold only printable ASCII without quotes or backslashes");
        }
      }
      return Optional.empty();
    }

    @Override
    String canonicalOf(String value) {
      return value;
    }
  },
  SRV {
    @Override
    Optional<String> problem(String value) {
      Matcher m = SRV_VALUE.matcher(value);
      if (!m.matches()) {
        return Optional.of("must be 'priority weight port target'");
      }
      for (int group = 1; group <= 3; group++) {
        if (Integer.parseInt(m.group(group)) > 65535) {
          return Optional.of("priority, weight and port must be 0 to 65535");
        }
      }
      return DnsName.problem(m.group(4), DnsName.Labels.HOST)
          .map(p -> "target must be a host name: " + p);
    }

    @Override
    String canonicalOf(String value) {
      Matcher m = SRV_VALUE.matcher(value);
      m.matches();
      return Integer.parseInt(m.group(1))
          + " "
          + Integer.parseInt(m.group(2))
          + " "
          + Integer.parseInt(m.group(3))
          + " "
          + DnsName.normalize(m.group(4));
    }
  };

  /** Longest TXT value; BIND receives it in strings of at most 255 characters. */
  public static final int MAX_TXT = 1024;

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
  private static final Pattern SRV_VALUE =
      Pattern.compile("(\\d{1,5}) (\\d{1,5}) (\\d{1,5}) (\\S+)");

  /** Why {@code value} is not valid for this type, or empty when it is. */
  abstract Optional<String> problem(String value);

  abstract String canonicalOf(String value);

  /** Checks and canonicalizes a value. */
  public Optional<String> check(String value) {
    return value == null ? Optional.of("must not be null") : problem(value);
  }

  /** The canonical text of a value already checked. */
  public String canonical(String value) {
    return canonicalOf(value);
  }

  /** Whether other types may share a name with this one (CNAME may not, RFC 1034). */
  public boolean exclusiveAtName() {
    return this == CNAME;
  }

  private static Optional<Inet6Address> ipv6(String value) {
    // only literal characters reach InetAddress, which therefore never resolves a name
    if (!IPV6_CHARS.matcher(value).matches() || !value.contains(":")) {
      return Optional.empty();
    }
    try {
      InetAddress address = InetAddress.getByName(value);
      return address instanceof Inet6Address v6 ? Optional.of(v6) : Optional.empty();
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
