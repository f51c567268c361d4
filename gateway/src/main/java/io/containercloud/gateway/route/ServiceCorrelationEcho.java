package io.containercloud.gateway.route;

import io.containercloud.gateway.web.CorrelationIdFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Drops the service's echo of the correlation id from a routed answer: the gateway has set the id
 * on the answer already, and the service's copy (the same id, which the gateway sent) would reach
 * the caller beside it.
 */
@Component
class ServiceCorrelationEcho implements HttpHeadersFilter {

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    if (!input.containsHeader(CorrelationIdFilter.HEADER)) {
      return input;
    }
    HttpHeaders headers = new HttpHeaders();
    headers.putAll(input);
    headers.remove(CorrelationIdFilter.HEADER);
    return headers;
  }

  @Override
  public boolean supports(Type type) {
    return type == Type.RESPONSE;
  }
}
