package io.containercloud.build.registry.oci;

import com.github.mizosoft.methanol.MoreBodySubscribers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One registry through the OCI distribution API (the CNCF distribution registry, Harbor, any
 * conformant one): manifests, blobs, uploads, tags and the catalog. Authentication follows the
 * registry's challenge: HTTP Basic, or the token flow (a token per scope from the realm it names,
 * asked with the credentials, kept until it expires), as Docker clients do.
 */
public final class OciClient {

  /** The manifest media types asked for, image indexes first. */
  public static final List<String> MANIFEST_TYPES =
      List.of(
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private static final String ACCEPT = String.join(", ", MANIFEST_TYPES);
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final Credentials credentials;
  private final HttpClient http;
  private final JsonMapper json;
  private final Duration transferBase;
  private final long minBytesPerSecond;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  // set once the registry asked for Basic: every later request carries it, so a body streamed
  // once is never refused for want of it
  private volatile boolean basic;
  // the registry's last bearer challenge (realm, service): tokens are asked for before they are
  // refused
  private volatile Map<String, String> bearer;

  /**
   * @param base {@code http(s)://host[:port]}, nothing after it
   * @param credentials who the platform is at this registry, or null for anonymous access
   */
  public OciClient(URI base, Credentials credentials, HttpClient http, JsonMapper json) {
    this(base, credentials, http, json, TIMEOUT, 1024 * 1024);
  }

  /**
   * @param transferBase how long any upload may take besides its bytes, and how long a blob read
   *     from this registry may send nothing
   * @param minBytesPerSecond the slowest average an upload may have: a blob upload (its source's
   *     stream included) taking longer than {@code transferBase} plus its size at this rate is
   *     given up as stalled, so a registry that stops answering halfway holds nothing for ever
   */
  public OciClient(
      URI base,
      Credentials credentials,
      HttpClient http,
      JsonMapper json,
      Duration transferBase,
      long minBytesPerSecond) {
    this.base = base;
    this.credentials = credentials;
    this.http = http;
    this.json = json;
    this.transferBase = transferBase;
    this.minBytesPerSecond = minBytesPerSecond;
  }

  private Duration transferTimeout(long bytes) {
    return transferBase.plusMillis(bytes * 1000 / Math.max(minBytesPerSecond, 1));
  }

  /** A user name and password (for Harbor a robot account), never shown or logged. */
  public record Credentials(String username, String password) {

    @Override
    public String toString() {
      return "Credentials[" + username + "]";
    }
  }

  /** A manifest as the registry holds it: its bytes, their media type and digest. */
  public record Manifest(String mediaType, String digest, byte[] content) {}

  /** The registry's host and port, as image references name it. */
  public String authority() {
    return base.getRawAuthority();
  }

  /** Whether {@code other} is this same registry (blobs can be mounted across its repositories). */
  public boolean sameRegistry(OciClient other) {
    return base.equals(other.base);
  }

  /**
   * The manifest {@code reference} (a tag or digest) of {@code repository}, its digest checked
   * against its bytes; empty when the registry has none.
   */
  public Optional<Manifest> manifest(String repository, String reference) throws OciException {
    HttpResponse<byte[]> response =
        send(
            repository,
            "pull",
            () -> get(path(repository, "manifests", reference)).header("Accept", ACCEPT),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    expect(response, 200, "reading manifest " + repository + ":" + reference);
    byte[] content = response.body();
    String digest = Digests.sha256(content);
    String announced = response.headers().firstValue("Docker-Content-Digest").orElse(digest);
    if (!announced.equals(digest)
        || (reference.startsWith("sha256:") && !reference.equals(digest))) {
      throw new OciException(
          "manifest "
              + repository
              + ":"
              + reference
              + " does not match its digest ("
              + digest
              + ")");
    }
    String mediaType =
        response.headers().firstValue("Content-Type").map(OciClient::bare).orElse("");
    if (!MANIFEST_TYPES.contains(mediaType)) {
      mediaType = Manifests.mediaType(json, content);
    }
    return Optional.of(new Manifest(mediaType, digest, content));
  }

  /** The digest {@code repository:reference} points at here, or empty when it has none. */
  public Optional<String> manifestDigest(String repository, String reference) throws OciException {
    HttpResponse<Void> response =
        send(
            repository,
            "pull",
            () ->
                HttpRequest.newBuilder(path(repository, "manifests", reference))
                    .timeout(TIMEOUT)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept", ACCEPT),
            HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    expect(response, 200, "looking for manifest " + repository + ":" + reference);
    return response.headers().firstValue("Docker-Content-Digest");
  }

  /** Puts {@code manifest} as {@code reference} (a tag, or its digest); the registry's digest. */
  public String putManifest(String repository, String reference, Manifest manifest)
      throws OciException {
    HttpResponse<String> response =
        send(
            repository,
            "pull,push",
            () ->
                HttpRequest.newBuilder(path(repository, "manifests", reference))
                    .timeout(TIMEOUT)
                    .header("Content-Type", manifest.mediaType())
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.content())),
            HttpResponse.BodyHandlers.ofString());
    expect(response, 201, "putting manifest " + repository + ":" + reference);
    String digest =
        response.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
    if (!digest.equals(manifest.digest())) {
      throw new OciException(
          "the registry stored manifest " + repository + ":" + reference + " as " + digest);
    }
    return digest;
  }

  /** Deletes the manifest {@code digest} (and so every tag on it); false when it had none. */
  public boolean deleteManifest(String repository, String digest) throws OciException {
    HttpResponse<String> response =
        send(
            repository,
            "delete",
            () ->
                HttpRequest.newBuilder(path(repository, "manifests", digest))
                    .timeout(TIMEOUT)
                    .DELETE(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 404) {
      return false;
    }
    expect(response, 202, "deleting manifest " + repository + "@" + digest);
    return true;
  }

  /** Whether the registry holds blob {@code digest} in {@code repository}. */
  public boolean hasBlob(String repository, String digest) throws OciException {
    HttpResponse<Void> response =
        send(
            repository,
            "pull",
            () ->
                HttpRequest.newBuilder(path(repository, "blobs", digest))
                    .timeout(TIMEOUT)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() == 404) {
      return false;
    }
    if (redirect(response.statusCode())) {
      return true; // served from the registry's storage
    }
    expect(response, 200, "looking for blob " + digest + " in " + repository);
    return true;
  }

  /**
   * Blob {@code digest} of {@code repository} as a stream; the caller closes it. A registry that
   * redirects to its storage (S3, Swift) is followed there, without its credentials. A source that
   * sends nothing for the transfer base time while more is asked of it fails the stream's read: the
   * upload that reads it runs in the reader's thread, so no request timeout would cut it.
   */
  public InputStream blob(String repository, String digest) throws OciException {
    HttpResponse<InputStream> response =
        send(
            repository,
            "pull",
            () -> HttpRequest.newBuilder(path(repository, "blobs", digest)).GET(),
            streamed());
    for (int hops = 0; redirect(response.statusCode()) && hops < 5; hops++) {
      String location = response.headers().firstValue("Location").orElse(null);
      drain(response);
      if (location == null) {
        throw new OciException("reading blob " + digest + ": a redirect without a location");
      }
      URI next = response.uri().resolve(location);
      response = send(repository, "pull", () -> HttpRequest.newBuilder(next).GET(), streamed());
    }
    if (response.statusCode() != 200) {
      drain(response);
      throw new OciException(
          "reading blob " + digest + " of " + repository + ": HTTP " + response.statusCode());
    }
    return response.body();
  }

  private HttpResponse.BodyHandler<InputStream> streamed() {
    return info ->
        MoreBodySubscribers.withReadTimeout(
            HttpResponse.BodySubscribers.ofInputStream(), transferBase);
  }

  private static boolean redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /**
   * Mounts blob {@code digest} from {@code from} into {@code repository} of this registry, without
   * copying it; false when the registry would rather have it uploaded (the upload it opened is
   * cancelled).
   */
  public boolean mountBlob(String repository, String digest, String from) throws OciException {
    URI uri =
        URI.create(
            base
                + "/v2/"
                + repository
                + "/blobs/uploads/?mount="
                + encode(digest)
                + "&from="
                + encode(from));
    HttpResponse<String> response =
        send(repository + " " + from, null, () -> post(uri), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 201) {
      return true;
    }
    expect(response, 202, "mounting blob " + digest + " into " + repository);
    cancel(repository, location(response));
    return false;
  }

  /**
   * Uploads blob {@code digest} of {@code size} bytes read from {@code content}, in one request or,
   * above {@code chunkSize} bytes, in chunks of that size. The registry checks the digest; a stream
   * that ends early or says more fails the upload, which is then cancelled.
   */
  public void putBlob(
      String repository, String digest, long size, InputStream content, long chunkSize)
      throws OciException {
    HttpResponse<String> started =
        send(
            repository,
            "pull,push",
            () -> post(URI.create(base + "/v2/" + repository + "/blobs/uploads/")),
            HttpResponse.BodyHandlers.ofString());
    expect(started, 202, "starting the upload of " + digest + " to " + repository);
    URI location = location(started);
    try {
      if (size > chunkSize) {
        long offset = 0;
        while (offset < size) {
          long length = Math.min(chunkSize, size - offset);
          URI chunk = location;
          long from = offset;
          HttpResponse<String> patched =
              send(
                  repository,
                  "pull,push",
                  () ->
                      HttpRequest.newBuilder(chunk)
                          .timeout(transferTimeout(length))
                          .header("Content-Type", "application/octet-stream")
                          .header("Content-Range", from + "-" + (from + length - 1))
                          .method("PATCH", exactly(content, length)),
                  HttpResponse.BodyHandlers.ofString());
          expect(patched, 202, "uploading " + digest + " to " + repository);
          location = location(patched);
          offset += length;
        }
        if (content.read() != -1) {
          throw new OciException("blob " + digest + " is longer than its " + size + " bytes");
        }
        URI last = withDigest(location, digest);
        expect(
            send(
                repository,
                "pull,push",
                () ->
                    HttpRequest.newBuilder(last)
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofString()),
            201,
            "finishing the upload of " + digest + " to " + repository);
      } else {
        URI whole = withDigest(location, digest);
        HttpResponse<String> put =
            send(
                repository,
                "pull,push",
                () ->
                    HttpRequest.newBuilder(whole)
                        .timeout(transferTimeout(size))
                        .header("Content-Type", "application/octet-stream")
                        .PUT(exactly(content, size)),
                HttpResponse.BodyHandlers.ofString());
        expect(put, 201, "uploading " + digest + " to " + repository);
        if (content.read() != -1) {
          throw new OciException("blob " + digest + " is longer than its " + size + " bytes");
        }
      }
    } catch (OciException | IOException | RuntimeException e) {
      cancel(repository, location);
      if (e instanceof OciException oci && oci.getMessage().contains(digest)) {
        throw oci;
      }
      throw new OciException(
          "uploading " + digest + " to " + repository + ": " + e.getMessage(), e);
    }
  }

  /** The tags of {@code repository}, every page; empty when it does not exist. */
  public List<String> tags(String repository) throws OciException {
    return pages(
        repository,
        URI.create(base + "/v2/" + repository + "/tags/list?n=1000"),
        "tags",
        "listing the tags of " + repository,
        tag -> true);
  }

  /**
   * The registry's repositories whose names start with {@code prefix}: the catalog is sorted, so
   * the listing starts after the prefix and stops at the first name past it, whatever else the
   * registry holds.
   */
  public List<String> repositories(String prefix) throws OciException {
    return pages(
        null,
        URI.create(base + "/v2/_catalog?n=1000&last=" + encode(prefix)),
        "repositories",
        "listing the repositories",
        name -> name.startsWith(prefix));
  }

  /** Every page's values from {@code first} on, up to the first that {@code wanted} refuses. */
  private List<String> pages(
      String repository, URI first, String field, String what, Predicate<String> wanted)
      throws OciException {
    List<String> values = new ArrayList<>();
    URI next = first;
    while (next != null) {
      URI page = next;
      HttpResponse<String> response =
          send(
              repository,
              repository == null ? null : "pull",
              () -> get(page),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 404 && repository != null) {
        return List.of();
      }
      expect(response, 200, what);
      try {
        for (JsonNode value : json.readTree(response.body()).path(field)) {
          if (!wanted.test(value.asString())) {
            return values;
          }
          values.add(value.asString());
        }
      } catch (JacksonException e) {
        throw new OciException(what + ": the registry answered no JSON");
      }
      next =
          response
              .headers()
              .firstValue("Link")
              .map(NEXT_LINK::matcher)
              .filter(Matcher::find)
              .map(m -> base.resolve(m.group(1)))
              .orElse(null);
    }
    return values;
  }

  // --- requests, with the registry's authentication ---------------------------------------

  /**
   * Sends a request, and once more with credentials when the registry challenges it: Basic, or a
   * bearer token for {@code actions} on {@code repository} (for a mount, its two repositories with
   * their own actions; the catalog's scope otherwise).
   */
  private <T> HttpResponse<T> send(
      String repository,
      String actions,
      Supplier<HttpRequest.Builder> request,
      HttpResponse.BodyHandler<T> handler)
      throws OciException {
    String scope = scope(repository, actions);
    HttpRequest.Builder first = request.get();
    // credentials only ever go to this registry's own origin (an upload location or a next page
    // elsewhere gets none)
    boolean own = sameOrigin(first.build().uri());
    if (own) {
      authorize(first, scope, true);
    }
    HttpResponse<T> response = exchange(first.build(), handler);
    if (response.statusCode() != 401 || !own) {
      return response;
    }
    drain(response);
    Map<String, String> challenge = challenge(response.headers());
    String scheme = challenge.getOrDefault("", "");
    if (scheme.equalsIgnoreCase("basic") && credentials != null) {
      basic = true;
    } else if (scheme.equalsIgnoreCase("bearer")) {
      bearer = challenge;
      tokens.put(scope, token(challenge, scope));
    } else {
      return response;
    }
    HttpRequest.Builder again = request.get();
    authorize(again, scope, false);
    return exchange(again.build(), handler);
  }

  private boolean sameOrigin(URI uri) {
    return base.getScheme().equalsIgnoreCase(uri.getScheme())
        && base.getRawAuthority().equalsIgnoreCase(uri.getRawAuthority());
  }

  private static String scope(String repository, String actions) {
    if (repository == null) {
      return "registry:catalog:*";
    }
    if (actions == null) { // a mount: push to the first, pull from the second
      String[] both = repository.split(" ");
      return "repository:" + both[0] + ":pull,push repository:" + both[1] + ":pull";
    }
    return "repository:" + repository + ":" + actions;
  }

  /**
   * Adds what the registry asked for before: Basic, or a bearer token for the scope, asked for
   * again first when it has expired ({@code refresh}), so that a request whose body is streamed
   * once is never refused for want of it.
   */
  private void authorize(HttpRequest.Builder request, String scope, boolean refresh)
      throws OciException {
    if (basic) {
      request.header("Authorization", basic());
      return;
    }
    Token token = tokens.get(scope);
    Map<String, String> challenge = bearer;
    if (refresh
        && challenge != null
        && (token == null || !token.expires().isAfter(Instant.now()))) {
      token = token(challenge, scope);
      tokens.put(scope, token);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token.value());
    }
  }

  private record Token(String value, Instant expires) {}

  private Token token(Map<String, String> challenge, String scope) throws OciException {
    String realm = challenge.get("realm");
    if (realm == null) {
      throw new OciException("the registry asked for a token without naming its realm");
    }
    StringBuilder uri = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (challenge.containsKey("service")) {
      uri.append("service=").append(encode(challenge.get("service")));
    }
    for (String one : scope.split(" ")) {
      uri.append("&scope=").append(encode(one));
    }
    HttpRequest.Builder ask = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(TIMEOUT);
    if (credentials != null) { // without them, an anonymous token (public repositories)
      ask.header("Authorization", basic());
    }
    HttpResponse<String> response =
        exchange(ask.GET().build(), HttpResponse.BodyHandlers.ofString());
    expect(response, 200, "asking the registry's token service for " + scope);
    try {
      JsonNode body = json.readTree(response.body());
      String value = body.path("token").asString(body.path("access_token").asString(""));
      if (value.isEmpty()) {
        throw new OciException("the registry's token service gave no token");
      }
      // its lifetime less a margin (60 s when it says nothing, as the distribution spec does)
      long seconds = Math.max(body.path("expires_in").asLong(60) - 10, 1);
      return new Token(value, Instant.now().plusSeconds(seconds));
    } catch (JacksonException e) {
      throw new OciException("the registry's token service answered no JSON");
    }
  }

  private String basic() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (credentials.username() + ":" + credentials.password())
                    .getBytes(StandardCharsets.UTF_8));
  }

  /** {@code WWW-Authenticate}: the scheme under the key "" and its parameters. */
  static Map<String, String> challenge(HttpHeaders headers) {
    Map<String, String> challenge = new LinkedHashMap<>();
    String header = headers.firstValue("WWW-Authenticate").orElse("").trim();
    int space = header.indexOf(' ');
    challenge.put("", space < 0 ? header : header.substring(0, space));
    Matcher params = CHALLENGE_PARAM.matcher(space < 0 ? "" : header.substring(space + 1));
    while (params.find()) {
      challenge.put(params.group(1), params.group(2));
    }
    return challenge;
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws OciException {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      // a refused connection has no message: its kind says it
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new OciException(
          request.method()
              + " "
              + request.uri().getRawAuthority()
              + request.uri().getRawPath()
              + " failed: "
              + why,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted", e);
    }
  }

  private static void drain(HttpResponse<?> response) {
    if (response.body() instanceof InputStream stream) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // the connection is dropped instead of reused
      }
    }
  }

  private void cancel(String repository, URI upload) {
    try {
      send(
          repository,
          "pull,push",
          () -> HttpRequest.newBuilder(upload).timeout(TIMEOUT).DELETE(),
          HttpResponse.BodyHandlers.discarding());
    } catch (OciException ignored) {
      // an upload left open expires in the registry by itself
    }
  }

  private void expect(HttpResponse<?> response, int status, String what) throws OciException {
    if (response.statusCode() != status) {
      String body = response.body() instanceof String text ? errors(text) : "";
      throw new OciException(
          what + ": HTTP " + response.statusCode() + (body.isEmpty() ? "" : " " + body));
    }
  }

  /** The registry's error codes and messages, as its JSON gives them; garbage is not repeated. */
  private String errors(String body) {
    try {
      List<String> errors = new ArrayList<>();
      for (JsonNode error : json.readTree(body).path("errors")) {
        errors.add(error.path("code").asString("") + ": " + error.path("message").asString(""));
      }
      return String.join("; ", errors);
    } catch (JacksonException e) {
      return "";
    }
  }

  private URI location(HttpResponse<?> response) throws OciException {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(() -> new OciException("the registry gave no upload location"));
    return base.resolve(location);
  }

  private static URI withDigest(URI location, String digest) {
    return URI.create(
        location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + encode(digest));
  }

  /**
   * The next {@code length} bytes of {@code content} as a request body, readable once: a request
   * sent again (a redirect, a retry) fails instead of sending what comes after them.
   */
  private static HttpRequest.BodyPublisher exactly(InputStream content, long length) {
    if (length == 0) {
      return HttpRequest.BodyPublishers.noBody();
    }
    AtomicBoolean taken = new AtomicBoolean();
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              if (taken.getAndSet(true)) {
                throw new UncheckedIOException(
                    new IOException("a streamed body cannot be sent twice"));
              }
              return new BoundedStream(content, length);
            }),
        length);
  }

  private URI path(String repository, String kind, String reference) {
    return URI.create(base + "/v2/" + repository + "/" + kind + "/" + reference);
  }

  private static HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
  }

  private static HttpRequest.Builder post(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody());
  }

  private static String bare(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
