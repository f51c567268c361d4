package io.containercloud.gateway.web;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Some requests never reach Spring: Netty refuses those it cannot decode (a request line or headers
 * over its limits, a control character in a header, not HTTP at all) and Spring those whose target
 * is no URI (a raw {@code |}, {@code \}, {@code "}, a control character, a bad {@code %} escape),
 * each with an empty body. This handler, right behind Netty's HTTP decoder, turns each of them into
 * a request for {@link #REJECTED_PATH} that says why, so {@link MalformedRequestFilter} answers it
 * through the gateway's problem writer, in order with the connection's other requests, and the
 * connection is closed after the answer.
 *
 * <p>The headers it sets are removed from every other request, so a client cannot forge one.
 */
@Component
class MalformedRequestGuard implements NettyServerCustomizer {

  /** Where a refused request is sent instead; nothing else answers it. */
  static final String REJECTED_PATH = "/_gateway/rejected";

  /** The status of the refusal (400, 414, 431). */
  static final String REJECTION_HEADER = "X-Gateway-Rejection";

  /** The refused request's path, percent-encoded where it had to be. */
  static final String TARGET_HEADER = "X-Gateway-Rejected-Target";

  private static final Logger log = LoggerFactory.getLogger(MalformedRequestGuard.class);
  private static final String HANDLER_NAME = "platform.malformedRequestGuard";
  private static final Handler HANDLER = new Handler();

  @Override
  public HttpServer apply(HttpServer server) {
    return server.doOnChannelInit(
        (observer, channel, address) -> {
          // HTTP/1.1 only: the gateway serves no HTTP/2, whose pipeline has no such codec
          if (channel.pipeline().get(NettyPipeline.HttpCodec) != null
              && channel.pipeline().get(HANDLER_NAME) == null) {
            channel.pipeline().addAfter(NettyPipeline.HttpCodec, HANDLER_NAME, HANDLER);
          }
        });
  }

  @ChannelHandler.Sharable
  static final class Handler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof HttpRequest request)) {
        ctx.fireChannelRead(msg);
        return;
      }
      request.headers().remove(REJECTION_HEADER).remove(TARGET_HEADER);
      DecoderResult decoded = request.decoderResult();
      if (decoded.isFailure()) {
        // Netty has given up on this connection's input: answer, then close
        log.debug("undecodable request: {}", decoded.cause().toString());
        ReferenceCountUtil.release(msg);
        ctx.fireChannelRead(rejected(statusFor(decoded.cause())));
        return;
      }
      if (!isUri(request.uri())) {
        log.debug("request target is no URI");
        request.headers().set(REJECTION_HEADER, "400");
        request.headers().set(TARGET_HEADER, ProblemWriter.asUriPath(request.uri()));
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        request.setUri(REJECTED_PATH);
      }
      ctx.fireChannelRead(request);
    }

    private static FullHttpRequest rejected(int status) {
      FullHttpRequest request =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, REJECTED_PATH);
      request.headers().set(HttpHeaderNames.HOST, "localhost");
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      request.headers().set(REJECTION_HEADER, Integer.toString(status));
      return request;
    }

    private static int statusFor(Throwable cause) {
      if (cause instanceof TooLongHttpLineException) {
        return 414;
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return 431;
      }
      return 400;
    }
  }

  /**
   * What Spring's request adapter needs: the target parses as a URI (reference). Checked on every
   * request, so the usual target (letters, digits and URI punctuation only) skips the parser.
   */
  static boolean isUri(String target) {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c >= PLAIN.length || !PLAIN[c]) {
        try {
          new URI(target);
          return true;
        } catch (URISyntaxException e) {
          return false;
        }
      }
    }
    return true;
  }

  // characters any URI path or query may hold; the rest ('%', '[', '#', ...) go to the parser
  private static final boolean[] PLAIN = new boolean[128];

  static {
    String plain =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?@!$&'()*+,;=";
    for (char c : plain.toCharArray()) {
      PLAIN[c] = true;
    }
  }
}
