package io.containercloud.kubesim.api;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request the API server refuses, answered as kube-apiserver answers it: the HTTP status and a
 * {@code Status} object with its reason and message (and the object's name and kind, where there is
 * one), which clients turn into their own errors.
 */
final class ApiException extends RuntimeException {

  private final int code;
  private final String reason;
  private final ResourceType type;
  private final String name;

  private ApiException(int code, String reason, String message, ResourceType type, String name) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.type = type;
    this.name = name;
  }

  static ApiException notFound(ResourceType type, String name) {
    return new ApiException(
        404, "NotFound", type.qualified() + " \"" + name + "\" not found", type, name);
  }

  static ApiException notFound() {
    return new ApiException(
        404, "NotFound", "the server could not find the requested resource", null, null);
  }

  static ApiException alreadyExists(ResourceType type, String name) {
    return new ApiException(
        409, "AlreadyExists", type.qualified() + " \"" + name + "\" already exists", type, name);
  }

  static ApiException conflict(ResourceType type, String name) {
    return new ApiException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + type.qualified()
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again",
        type,
        name);
  }

  static ApiException invalid(ResourceType type, String name, String why) {
    return new ApiException(
        422,
        "Invalid",
        (type.kind() == null ? type.plural() : type.kind())
            + " \""
            + name
            + "\" is invalid: "
            + why,
        type,
        name);
  }

  /** A body naming another object than the URL does. */
  static ApiException nameMismatch(String named, String name) {
    return badRequest(
        "the name of the object (" + named + ") does not match the name on the URL (" + name + ")");
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null, null);
  }

  static ApiException unauthorized() {
    return new ApiException(401, "Unauthorized", "Unauthorized", null, null);
  }

  static ApiException methodNotAllowed() {
    return new ApiException(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        null,
        null);
  }

  static ApiException unsupportedMediaType(String contentType) {
    return new ApiException(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format: " + contentType,
        null,
        null);
  }

  static ApiException gone(String message) {
    return new ApiException(410, "Expired", message, null, null);
  }

  int code() {
    return code;
  }

  /** The {@code Status} body. */
  ObjectNode status(JsonMapper json) {
    ObjectNode status = json.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", getMessage()).put("reason", reason);
    if (type != null) {
      ObjectNode details = status.putObject("details");
      if (name != null) {
        details.put("name", name);
      }
      details.put("group", type.group());
      details.put("kind", type.plural());
    }
    status.put("code", code);
    return status;
  }
}
