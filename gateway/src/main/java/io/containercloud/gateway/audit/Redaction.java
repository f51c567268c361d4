package io.containercloud.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What of a request body goes into the audit trail: its SHA-256 digest always, and for JSON a copy
 * with secrets removed, by field name (passwords, tokens, keys, kubeconfigs, ...) and by value (PEM
 * blocks, JWTs, long base64 runs), capped in size.
 */
final class Redaction {

  static final String REDACTED = "[redacted]";
  private static final Set<String> SECRET_FIELDS =
      Set.of(
          "password",
          "passwd",
          "secret",
          "token",
          "accesstoken",
          "refreshtoken",
          "apikey",
          "key",
          "privatekey",
          "kubeconfig",
          "credentials",
          "credential",
          "authorization",
          "tsigsecret",
          "clientsecret",
          "cert",
          "certificate");
  private static final Pattern SECRET_VALUE =
      Pattern.compile(
          "(?s).*(-----BEGIN [A-Z ]+-----|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.|[A-Za-z0-9+/=]{120,}).*");
  private static final int MAX_COPY = 16 * 1024;

  private Redaction() {}

  static String digest(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A redacted copy of a JSON body, or null when the body is empty, not JSON or too large. */
  static JsonNode copy(JsonMapper json, byte[] body) {
    if (body.length == 0 || body.length > MAX_COPY) {
      return null;
    }
    try {
      JsonNode tree = json.readTree(new String(body, StandardCharsets.UTF_8));
      return redact(tree);
    } catch (JacksonException e) {
      return null;
    }
  }

  private static JsonNode redact(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.properties().forEach(field -> names.add(field.getKey()));
      for (String name : names) {
        JsonNode value = object.get(name);
        String plain = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        if (SECRET_FIELDS.contains(plain)
            || (value.isString() && secretLooking(value.asString()))) {
          object.put(name, REDACTED);
        } else {
          redact(value);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode item = array.get(i);
        if (item.isString() && secretLooking(item.asString())) {
          array.set(i, REDACTED);
        } else {
          redact(item);
        }
      }
    }
    return node;
  }

  private static boolean secretLooking(String value) {
    return SECRET_VALUE.matcher(value).matches();
  }
}
