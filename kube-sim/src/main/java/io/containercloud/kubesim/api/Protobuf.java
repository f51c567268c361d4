package io.containercloud.kubesim.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Request bodies in Kubernetes' protobuf encoding, which typed clients send: kubectl's {@code
 * create secret}, {@code create configmap} and {@code create namespace}, Helm's release records
 * (Secrets), the namespace {@code --create-namespace} makes and the {@code DeleteOptions} of their
 * deletes. The envelope (the magic {@code k8s\0}, then a {@code runtime.Unknown} with the type and
 * the object's bytes) is opened and those kinds are turned into the JSON the server reads, from the
 * field numbers of k8s.io/api's {@code generated.proto}. Any other kind answers 415, as before;
 * answers are always JSON, which those clients accept too.
 */
final class Protobuf {

  static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};

  /** How a field is read. */
  private enum Type {
    STRING,
    INT,
    BOOL,
    TIME,
    MESSAGE,
    STRINGS,
    MESSAGES,
    STRING_MAP,
    BYTES_MAP
  }

  private record Field(String name, Type type, Map<Integer, Field> message) {
    static Field of(String name, Type type) {
      return new Field(name, type, null);
    }

    static Field of(String name, Type type, Map<Integer, Field> message) {
      return new Field(name, type, message);
    }
  }

  private static final Map<Integer, Field> OWNER_REFERENCE =
      Map.of(
          1, Field.of("kind", Type.STRING),
          3, Field.of("name", Type.STRING),
          4, Field.of("uid", Type.STRING),
          5, Field.of("apiVersion", Type.STRING),
          6, Field.of("controller", Type.BOOL),
          7, Field.of("blockOwnerDeletion", Type.BOOL));
  private static final Map<Integer, Field> OBJECT_META =
      Map.ofEntries(
          Map.entry(1, Field.of("name", Type.STRING)),
          Map.entry(2, Field.of("generateName", Type.STRING)),
          Map.entry(3, Field.of("namespace", Type.STRING)),
          Map.entry(5, Field.of("uid", Type.STRING)),
          Map.entry(6, Field.of("resourceVersion", Type.STRING)),
          Map.entry(7, Field.of("generation", Type.INT)),
          Map.entry(8, Field.of("creationTimestamp", Type.TIME)),
          Map.entry(9, Field.of("deletionTimestamp", Type.TIME)),
          Map.entry(10, Field.of("deletionGracePeriodSeconds", Type.INT)),
          Map.entry(11, Field.of("labels", Type.STRING_MAP)),
          Map.entry(12, Field.of("annotations", Type.STRING_MAP)),
          Map.entry(13, Field.of("ownerReferences", Type.MESSAGES, OWNER_REFERENCE)),
          Map.entry(14, Field.of("finalizers", Type.STRINGS)));
  private static final Field METADATA = Field.of("metadata", Type.MESSAGE, OBJECT_META);

  /** The kinds read, by apiVersion and kind. */
  private static final Map<String, Map<Integer, Field>> KINDS =
      Map.of(
          "v1/Secret",
          Map.of(
              1, METADATA,
              2, Field.of("data", Type.BYTES_MAP),
              3, Field.of("type", Type.STRING),
              4, Field.of("stringData", Type.STRING_MAP),
              5, Field.of("immutable", Type.BOOL)),
          "v1/ConfigMap",
          Map.of(
              1, METADATA,
              2, Field.of("data", Type.STRING_MAP),
              3, Field.of("binaryData", Type.BYTES_MAP),
              4, Field.of("immutable", Type.BOOL)),
          "v1/Namespace",
          Map.of(
              1, METADATA,
              2, Field.of("spec", Type.MESSAGE, Map.of(1, Field.of("finalizers", Type.STRINGS))),
              3, Field.of("status", Type.MESSAGE, Map.of(1, Field.of("phase", Type.STRING)))),
          "v1/DeleteOptions",
          Map.of(
              1, Field.of("gracePeriodSeconds", Type.INT),
              2,
                  Field.of(
                      "preconditions",
                      Type.MESSAGE,
                      Map.of(
                          1, Field.of("uid", Type.STRING),
                          2, Field.of("resourceVersion", Type.STRING))),
              3, Field.of("orphanDependents", Type.BOOL),
              4, Field.of("propagationPolicy", Type.STRING),
              5, Field.of("dryRun", Type.STRINGS)));

  private Protobuf() {}

  /** The JSON object a protobuf-encoded request body holds. */
  static ObjectNode toJson(byte[] body) {
    if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, 4)) {
      throw ApiException.badRequest("a protobuf body starts with the bytes k8s\\0");
    }
    Reader unknown = new Reader(body, MAGIC.length, body.length);
    String apiVersion = "";
    String kind = "";
    byte[] raw = new byte[0];
    while (unknown.more()) {
      int tag = unknown.varint32();
      switch (tag >>> 3) {
        case 1 -> {
          Reader typeMeta = unknown.nested();
          while (typeMeta.more()) {
            int field = typeMeta.varint32();
            switch (field >>> 3) {
              case 1 -> apiVersion = typeMeta.string();
              case 2 -> kind = typeMeta.string();
              default -> typeMeta.skip(field & 7);
            }
          }
        }
        case 2 -> raw = unknown.bytes();
        default -> unknown.skip(tag & 7);
      }
    }
    Map<Integer, Field> fields = KINDS.get(apiVersion + "/" + kind);
    if (fields == null) {
      throw ApiException.unsupportedMediaType(
          MEDIA_TYPE
              + " for "
              + apiVersion
              + " "
              + kind
              + " (kube-sim reads it for "
              + "Secrets, ConfigMaps, Namespaces and DeleteOptions; send JSON)");
    }
    ObjectNode object = message(new Reader(raw, 0, raw.length), fields);
    return object.put("apiVersion", apiVersion).put("kind", kind);
  }

  private static ObjectNode message(Reader in, Map<Integer, Field> fields) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    while (in.more()) {
      int tag = in.varint32();
      Field field = fields.get(tag >>> 3);
      if (field == null) {
        in.skip(tag & 7);
        continue;
      }
      switch (field.type()) {
        case STRING -> {
          String value = in.string();
          if (!value.isEmpty()) {
            object.put(field.name(), value);
          }
        }
        case INT -> object.put(field.name(), in.varint());
        case BOOL -> object.put(field.name(), in.varint() != 0);
        case TIME -> {
          Reader time = in.nested();
          long seconds = 0;
          while (time.more()) {
            int part = time.varint32();
            if (part >>> 3 == 1) {
              seconds = time.varint();
            } else {
              time.skip(part & 7);
            }
          }
          if (seconds != 0) {
            object.put(field.name(), Instant.ofEpochSecond(seconds).toString());
          }
        }
        case MESSAGE -> {
          ObjectNode nested = message(in.nested(), field.message());
          if (!nested.isEmpty()) {
            object.set(field.name(), nested);
          }
        }
        case STRINGS -> array(object, field).add(in.string());
        case MESSAGES -> array(object, field).add(message(in.nested(), field.message()));
        case STRING_MAP, BYTES_MAP -> {
          Reader entry = in.nested();
          String key = "";
          String value = "";
          while (entry.more()) {
            int part = entry.varint32();
            switch (part >>> 3) {
              case 1 -> key = entry.string();
              case 2 ->
                  value =
                      field.type() == Type.BYTES_MAP
                          ? Base64.getEncoder().encodeToString(entry.bytes())
                          : entry.string();
              default -> entry.skip(part & 7);
            }
          }
          ObjectNode map =
              object.get(field.name()) instanceof ObjectNode existing
                  ? existing
                  : object.putObject(field.name());
          map.put(key, value);
        }
      }
    }
    return object;
  }

  private static ArrayNode array(ObjectNode object, Field field) {
    return object.get(field.name()) instanceof ArrayNode existing
        ? existing
        : object.putArray(field.name());
  }

  /** The protobuf wire format over a slice of bytes. */
  private static final class Reader {
    private final byte[] bytes;
    private int at;
    private final int end;

    Reader(byte[] bytes, int from, int end) {
      this.bytes = bytes;
      this.at = from;
      this.end = end;
    }

    boolean more() {
      return at < end;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = next();
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw malformed();
    }

    int varint32() {
      return (int) varint();
    }

    byte[] bytes() {
      int length = varint32();
      if (length < 0 || at + length > end) {
        throw malformed();
      }
      byte[] value = Arrays.copyOfRange(bytes, at, at + length);
      at += length;
      return value;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Reader nested() {
      int length = varint32();
      if (length < 0 || at + length > end) {
        throw malformed();
      }
      Reader nested = new Reader(bytes, at, at + length);
      at += length;
      return nested;
    }

    void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> advance(varint32());
        case 5 -> advance(4);
        default -> throw malformed();
      }
    }

    private void advance(int count) {
      if (count < 0 || at + count > end) {
        throw malformed();
      }
      at += count;
    }

    private byte next() {
      if (at >= end) {
        throw malformed();
      }
      return bytes[at++];
    }

    private static ApiException malformed() {
      return ApiException.badRequest("the protobuf body is malformed");
    }
  }
}
