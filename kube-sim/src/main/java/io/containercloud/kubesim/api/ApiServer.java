package io.containercloud.kubesim.api;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A simulated cluster's API server: the Kubernetes REST API over plain HTTP/1.1 on a loopback port
 * (the cluster's {@code ApiGate} serves it with TLS), over one {@link ObjectStore}. Every request
 * needs the cluster's bearer token (anonymous requests are refused with 401 and a {@code Status},
 * as with {@code --anonymous-auth=false}). It serves {@code /version}; get, list (label and field
 * selectors, {@code limit} and {@code continue}), create, update, JSON and merge patch, delete and
 * delete-collection of any resource under {@code /api/v1} and {@code /apis/<group>/<version>};
 * watches over WebSocket (what fabric8 uses) and over chunked HTTP (what kubectl uses), resumed
 * from a resource version; the {@code status} and {@code scale} subresources; and pod {@code log}
 * and {@code exec} ({@link PodSubresources}); the discovery documents ({@link Discovery}). Anything
 * outside the API answers 404 with a {@code Status}.
 *
 * <p>It runs on one event loop of its own: the store's writes and the watch events they send happen
 * in the order the requests came.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  /** The Kubernetes release the simulated API servers claim (fabric8 8's model). */
  public static final String VERSION =
      """
      {"major":"1","minor":"33","gitVersion":"v1.33.0+kube-sim","gitCommit":"kube-sim",\
      "gitTreeState":"clean","buildDate":"2025-05-01T00:00:00Z","goVersion":"go1.24.2",\
      "compiler":"gc","platform":"linux/amd64"}""";

  private static final String JSON = "application/json";
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
  private static final List<String> NAMESPACE_SUBRESOURCES = List.of("status", "finalize");

  private final byte[] token;
  private final JsonMapper json = JsonMapper.builder().build();
  private final ObjectStore store = new ObjectStore(json);
  private final PodSubresources pods = new PodSubresources();
  private final LocalApi local = new LocalApi(store);
  private final CustomResources customResources = new CustomResources(store);
  private final ServerSideApply applies = new ServerSideApply(json);
  private final Discovery discovery = new Discovery(json, customResources::all);
  private final OpenApi openApi = new OpenApi(json);
  private final Vertx vertx;
  private HttpServer server;

  public ApiServer(String token) {
    this.token = token.getBytes(StandardCharsets.US_ASCII);
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
  }

  /** Listens on {@code address} ({@code port} 0: any free one); the port it listens on. */
  public int start(InetAddress address, int port) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(address.getHostAddress())
            .setPort(port)
            .setWebSocketSubProtocols(List.of(PodSubresources.CHANNEL_PROTOCOL));
    try {
      server =
          vertx
              .createHttpServer(options)
              .requestHandler(this::handle)
              .listen()
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot listen on " + address + ":" + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    }
    return server.actualPort();
  }

  public int port() {
    return server.actualPort();
  }

  /** The same API for code in this process (the cluster's own controllers). */
  public LocalApi local() {
    return local;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("the API server did not stop cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpServerRequest request) {
    try {
      if (!authenticated(request.getHeader("Authorization"))) {
        throw ApiException.unauthorized();
      }
      if (request.path().equals("/version")) {
        if (request.method() != HttpMethod.GET) {
          throw ApiException.methodNotAllowed();
        }
        respond(request.response(), 200, VERSION);
        return;
      }
      Optional<String> document =
          discovery
              .document(
                  request.path(),
                  Objects.requireNonNullElse(request.getHeader("Host"), "127.0.0.1"))
              .or(() -> openApi.document(request.path()));
      if (document.isPresent()) {
        if (request.method() != HttpMethod.GET) {
          throw ApiException.methodNotAllowed();
        }
        respond(request.response(), 200, document.get());
        return;
      }
      Route route = Route.parse(request.path(), customResources);
      if (request.canUpgradeToWebSocket()) {
        upgrade(request, route);
        return;
      }
      request
          .body()
          .onSuccess(body -> answer(request, route, body))
          .onFailure(e -> request.connection().close());
    } catch (ApiException e) {
      fail(request.response(), e);
    }
  }

  private void answer(HttpServerRequest request, Route route, Buffer sent) {
    HttpServerResponse response = request.response();
    try {
      String contentType = request.getHeader("Content-Type");
      Buffer body = sent;
      if (sent.length() > 0 && contentType != null && contentType.startsWith(Protobuf.MEDIA_TYPE)) {
        if (request.method() == HttpMethod.PATCH) {
          throw ApiException.unsupportedMediaType(contentType);
        }
        // what typed clients send (kubectl create secret, Helm's release records)
        body = Buffer.buffer(json.writeValueAsBytes(Protobuf.toJson(sent.getBytes())));
      }
      if (route.name() == null) {
        collection(request, route, body);
      } else if (route.subresource() == null) {
        object(request, route, body, false);
      } else {
        subresource(request, route, body);
      }
    } catch (ApiException e) {
      fail(response, e);
    } catch (JacksonException e) {
      fail(
          response,
          ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage()));
    } catch (RuntimeException e) {
      log.error("{} {} failed", request.method(), request.uri(), e);
      respond(
          response,
          500,
          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
              + "\"reason\":\"InternalError\",\"code\":500}");
    }
  }

  private void collection(HttpServerRequest request, Route route, Buffer body) {
    Selector selector =
        Selector.of(request.getParam("labelSelector"), request.getParam("fieldSelector"));
    switch (request.method().name()) {
      case "GET" -> {
        if ("true".equals(request.getParam("watch")) || "1".equals(request.getParam("watch"))) {
          watchOverHttp(request, route, selector);
          return;
        }
        int limit = intParam(request, "limit");
        String after = request.getParam("continue");
        ObjectStore.Listing listing =
            store.list(
                route.type(),
                route.namespace(),
                selector,
                limit,
                after == null || after.isEmpty() ? null : decode(after));
        respond(
            request.response(),
            200,
            list(route.type(), listing.items(), listing.version(), listing.next()));
      }
      case "POST" -> {
        if (!route.type().namespaced() && route.namespace() != null) {
          throw ApiException.notFound();
        }
        ObjectNode object = object(body);
        warn(request, FieldValidation.check(fieldValidation(request), object, route.type()));
        String namespace = route.type().namespaced() ? namespaceFor(route, object) : "";
        respond(
            request.response(),
            201,
            store.create(route.type(), namespace, object, dryRun(request, body)).json());
      }
      case "DELETE" ->
          respond(
              request.response(),
              200,
              list(
                  route.type(),
                  dryRun(request, body)
                      ? store.list(route.type(), route.namespace(), selector, 0, null).items()
                      : store.deleteAll(route.type(), route.namespace(), selector),
                  store.version(),
                  null));
      default -> throw ApiException.methodNotAllowed();
    }
  }

  /** The object itself, or with {@code statusOnly} its {@code status} subresource. */
  private void object(HttpServerRequest request, Route route, Buffer body, boolean statusOnly) {
    String namespace = route.objectNamespace();
    String contentType = request.getHeader("Content-Type");
    if (request.method() == HttpMethod.PATCH
        && contentType != null
        && contentType.startsWith(ServerSideApply.MEDIA_TYPE)) {
      if (statusOnly) {
        throw ApiException.unsupportedMediaType(contentType + " (not on the status subresource)");
      }
      serverSideApply(request, route, body, namespace);
      return;
    }
    String answer =
        switch (request.method().name()) {
          case "GET" -> store.get(route.type(), namespace, route.name()).json();
          case "PUT" -> {
            ObjectNode object = object(body);
            warn(request, FieldValidation.check(fieldValidation(request), object, route.type()));
            yield store
                .replace(
                    route.type(),
                    namespace,
                    route.name(),
                    current -> object,
                    statusOnly,
                    dryRun(request, body))
                .json();
          }
          case "PATCH" ->
              store
                  .replace(
                      route.type(),
                      namespace,
                      route.name(),
                      patch(request, route, body),
                      statusOnly,
                      dryRun(request, body))
                  .json();
          case "DELETE" -> {
            if (statusOnly) {
              throw ApiException.methodNotAllowed();
            }
            yield store.delete(route.type(), namespace, route.name(), dryRun(request, body)).json();
          }
          default -> throw ApiException.methodNotAllowed();
        };
    respond(request.response(), 200, answer);
  }

  /** A server-side apply: the object created from the configuration, or changed by it. */
  private void serverSideApply(
      HttpServerRequest request, Route route, Buffer body, String namespace) {
    String manager = request.getParam("fieldManager");
    if (manager == null || manager.isBlank()) {
      throw ApiException.invalid(
          route.type(), route.name(), "fieldManager: Required value: is required for apply patch");
    }
    ObjectNode configuration = applies.configuration(body.getBytes(), route.type(), route.name());
    warn(request, FieldValidation.check(fieldValidation(request), configuration, route.type()));
    boolean dryRun = dryRun(request, body);
    boolean exists = store.find(route.type(), namespace, route.name()).isPresent();
    String answer =
        exists
            ? store
                .replace(
                    route.type(),
                    namespace,
                    route.name(),
                    current ->
                        applies.apply(current, configuration, route.type(), namespace, manager),
                    false,
                    dryRun)
                .json()
            : store.create(route.type(), namespace, configuration.deepCopy(), dryRun).json();
    if (!dryRun) {
      applies.applied(route.type(), namespace, configuration, manager);
    }
    respond(request.response(), exists ? 200 : 201, answer);
  }

  /**
   * Whether the write is a dry run ({@code dryRun=All}: checked and answered, nothing stored), as
   * the query says or, for a delete, its {@code DeleteOptions}; another value is refused, as
   * kube-apiserver does.
   */
  private boolean dryRun(HttpServerRequest request, Buffer body) {
    List<String> values = new ArrayList<>(request.params().getAll("dryRun"));
    if (request.method() == HttpMethod.DELETE && body.length() > 0) {
      json.readTree(body.getBytes()).path("dryRun").forEach(v -> values.add(v.asString()));
    }
    if (values.isEmpty()) {
      return false;
    }
    if (values.stream().allMatch("All"::equals)) {
      return true;
    }
    throw ApiException.badRequest(
        "dryRun: Unsupported value: " + values + ": supported values: All");
  }

  /** What the request's patch makes of an object, its fields checked as the request asks. */
  private UnaryOperator<ObjectNode> patch(HttpServerRequest request, Route route, Buffer body) {
    JsonNode patch = json.readTree(body.getBytes());
    String type = request.getHeader("Content-Type");
    return current -> {
      ObjectNode patched = Patches.apply(type, patch, current, route.type(), route.name());
      warn(request, FieldValidation.check(fieldValidation(request), patched, route.type()));
      return patched;
    };
  }

  private static String fieldValidation(HttpServerRequest request) {
    return request.getParam("fieldValidation");
  }

  /** Warnings for the client (kubectl prints them), sent with the answer. */
  private static void warn(HttpServerRequest request, List<String> messages) {
    FieldValidation.warnings(messages).forEach(w -> request.response().headers().add("Warning", w));
  }

  private void subresource(HttpServerRequest request, Route route, Buffer body) {
    String namespace = route.objectNamespace();
    String method = request.method().name();
    switch (route.subresource()) {
      case "status" -> {
        if (!route.type().status()) {
          throw ApiException.notFound();
        }
        object(request, route, body, true);
      }
      case "scale" -> {
        if (!route.type().scale()) {
          throw ApiException.notFound();
        }
        Scales scales = new Scales(json, store, route.type(), namespace, route.name());
        switch (method) {
          case "GET" -> respond(request.response(), 200, scales.read());
          case "PUT" ->
              respond(
                  request.response(),
                  200,
                  scales.write(current -> object(body), dryRun(request, body)));
          case "PATCH" ->
              respond(
                  request.response(),
                  200,
                  scales.write(patch(request, route, body), dryRun(request, body)));
          default -> throw ApiException.methodNotAllowed();
        }
      }
      case "log" -> {
        if (!route.type().key().equals("/pods") || !method.equals("GET")) {
          throw ApiException.notFound();
        }
        String text =
            pods.log(
                store.get(route.type(), namespace, route.name()).json(),
                request.getParam("container"),
                "true".equals(request.getParam("timestamps")),
                request.getParam("sinceTime"));
        request.response().setStatusCode(200).putHeader("Content-Type", "text/plain").end(text);
      }
      default -> throw ApiException.notFound();
    }
  }

  private void upgrade(HttpServerRequest request, Route route) {
    if (route.name() == null
        && ("true".equals(request.getParam("watch")) || "1".equals(request.getParam("watch")))) {
      Selector selector =
          Selector.of(request.getParam("labelSelector"), request.getParam("fieldSelector"));
      String from = request.getParam("resourceVersion");
      long timeout = intParam(request, "timeoutSeconds");
      boolean initialEvents = "true".equals(request.getParam("sendInitialEvents"));
      request
          .toWebSocket()
          .onSuccess(
              socket ->
                  watch(
                      route,
                      selector,
                      from,
                      initialEvents,
                      timeout,
                      socket::writeTextMessage,
                      () -> socket.close((short) 1000),
                      socket::closeHandler));
      return;
    }
    if ("/pods".equals(route.type().key()) && "exec".equals(route.subresource())) {
      String pod = store.get(route.type(), route.objectNamespace(), route.name()).json();
      List<String> command = request.params().getAll("command");
      request.toWebSocket().onSuccess(socket -> pods.exec(pod, command, socket));
      return;
    }
    throw ApiException.badRequest("this path takes no WebSocket");
  }

  private String initialEventsEnd(ResourceType type) {
    ObjectNode bookmark = json.createObjectNode().put("type", "BOOKMARK");
    ObjectNode object =
        bookmark
            .putObject("object")
            .put("kind", Objects.requireNonNullElse(type.kind(), ""))
            .put("apiVersion", type.apiVersion());
    object
        .putObject("metadata")
        .put("resourceVersion", Long.toString(store.version()))
        .putObject("annotations")
        .put("k8s.io/initial-events-end", "true");
    return json.writeValueAsString(bookmark);
  }

  private void watchOverHttp(HttpServerRequest request, Route route, Selector selector) {
    HttpServerResponse response = request.response();
    response.setStatusCode(200).setChunked(true).putHeader("Content-Type", JSON);
    // the headers now, as kube-apiserver sends them: a client waits for them before it reads events
    response.writeHead();
    watch(
        route,
        selector,
        request.getParam("resourceVersion"),
        "true".equals(request.getParam("sendInitialEvents")),
        intParam(request, "timeoutSeconds"),
        frame -> response.write(frame + "\n"),
        () -> {
          if (!response.ended()) {
            response.end();
          }
        },
        handler -> response.closeHandler(handler));
  }

  /**
   * Opens the store's watch for a connection: events go to {@code send}, it ends after {@code
   * timeout} seconds (0: never) and when the client goes; a version too old is an {@code ERROR}
   * event with a 410 {@code Status}, as kube-apiserver sends it, and the end. With {@code
   * initialEvents} (a streaming list: {@code sendInitialEvents=true}, what client-go's reflector
   * asks for in Helm 3.21) the objects there are now come first as {@code ADDED}, then a {@code
   * BOOKMARK} marked {@code k8s.io/initial-events-end}: the client's cache waits for that mark.
   */
  private void watch(
      Route route,
      Selector selector,
      String from,
      boolean initialEvents,
      long timeout,
      Consumer<String> send,
      Runnable end,
      Consumer<io.vertx.core.Handler<Void>> onClose) {
    ObjectStore.Watch watch;
    try {
      watch =
          store.watch(
              route.type(),
              route.namespace(),
              selector,
              initialEvents ? null : from,
              (type, change) -> send.accept(change.frame(type)));
      if (initialEvents) {
        send.accept(initialEventsEnd(route.type()));
      }
    } catch (ApiException e) {
      send.accept("{\"type\":\"ERROR\",\"object\":" + e.status(json) + "}");
      end.run();
      return;
    }
    long timer =
        timeout > 0
            ? vertx.setTimer(
                TimeUnit.SECONDS.toMillis(timeout),
                id -> {
                  watch.close();
                  end.run();
                })
            : -1;
    onClose.accept(
        closed -> {
          watch.close();
          if (timer >= 0) {
            vertx.cancelTimer(timer);
          }
        });
  }

  private String list(
      ResourceType type, List<ObjectStore.Stored> items, long version, String next) {
    String kind = type.kind();
    if (kind == null && !items.isEmpty()) {
      kind = items.get(0).object().path("kind").asString("");
    }
    StringBuilder list = new StringBuilder(64 + items.size() * 512);
    list.append("{\"kind\":\"")
        .append(kind == null || kind.isEmpty() ? "" : kind)
        .append("List\",\"apiVersion\":\"")
        .append(type.apiVersion())
        .append("\",\"metadata\":{\"resourceVersion\":\"")
        .append(version)
        .append('"');
    if (next != null) {
      list.append(",\"continue\":\"").append(encode(next)).append('"');
    }
    list.append("},\"items\":[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        list.append(',');
      }
      list.append(items.get(i).json());
    }
    return list.append("]}").toString();
  }

  private ObjectNode object(Buffer body) {
    JsonNode node = json.readTree(body.getBytes());
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    return object;
  }

  /** The path's namespace; a body naming another one is refused, as kube-apiserver does. */
  private static String namespaceFor(Route route, ObjectNode object) {
    String named = ObjectStore.metadata(object).path("namespace").asString("");
    String namespace = route.namespace() != null ? route.namespace() : named;
    if (namespace.isEmpty()) {
      namespace = "default";
    }
    if (!named.isEmpty() && !named.equals(namespace)) {
      throw ApiException.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    return namespace;
  }

  private boolean authenticated(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(presented, token); // in constant time
  }

  private void fail(HttpServerResponse response, ApiException e) {
    respond(response, e.code(), json.writeValueAsString(e.status(json)));
  }

  private static void respond(HttpServerResponse response, int code, String body) {
    response.setStatusCode(code).putHeader("Content-Type", JSON).end(body);
  }

  private static int intParam(HttpServerRequest request, String name) {
    String value = request.getParam(name);
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid " + name + ": " + value);
    }
  }

  private static String encode(String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid continue token");
    }
  }

  /**
   * What a path names: the resource type, the namespace ({@code null} for all, or for a
   * cluster-scoped type), the object's name and subresource when it names one.
   */
  record Route(ResourceType type, String namespace, String name, String subresource) {

    /** The namespace the object is filed under: its own, or none for cluster-scoped ones. */
    String objectNamespace() {
      return type.namespaced() ? namespace : "";
    }

    static Route parse(String path, CustomResources types) {
      String[] parts = path.split("/");
      // "", "api", "v1", ... or "", "apis", group, version, ...
      int rest;
      String group;
      String version;
      if (parts.length >= 4 && parts[1].equals("api") && parts[2].equals("v1")) {
        group = "";
        version = "v1";
        rest = 3;
      } else if (parts.length >= 5 && parts[1].equals("apis")) {
        group = parts[2];
        version = parts[3];
        rest = 4;
      } else {
        throw ApiException.notFound(); // anything outside the API
      }
      for (int i = rest; i < parts.length; i++) {
        if (!SEGMENT.matcher(parts[i]).matches()) {
          throw ApiException.notFound();
        }
      }
      int left = parts.length - rest;
      boolean namespaced =
          parts[rest].equals("namespaces")
              && left >= 3
              && !(left == 3 && NAMESPACE_SUBRESOURCES.contains(parts[rest + 2]));
      if (namespaced) {
        String namespace = parts[rest + 1];
        ResourceType type = types.of(group, version, parts[rest + 2], true);
        if (!type.namespaced()) {
          throw ApiException.notFound();
        }
        return switch (left) {
          case 3 -> new Route(type, namespace, null, null);
          case 4 -> new Route(type, namespace, parts[rest + 3], null);
          case 5 -> new Route(type, namespace, parts[rest + 3], parts[rest + 4]);
          default -> throw ApiException.notFound();
        };
      }
      ResourceType type = types.of(group, version, parts[rest], false);
      return switch (left) {
        case 1 -> new Route(type, null, null, null);
        case 2 -> {
          if (type.namespaced()) {
            throw ApiException.notFound();
          }
          yield new Route(type, null, parts[rest + 1], null);
        }
        case 3 -> {
          if (type.namespaced()) {
            throw ApiException.notFound();
          }
          yield new Route(type, null, parts[rest + 1], parts[rest + 2]);
        }
        default -> throw ApiException.notFound();
      };
    }
  }
}
