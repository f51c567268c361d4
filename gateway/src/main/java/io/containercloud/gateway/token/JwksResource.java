package io.containercloud.gateway.token;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The public keys every service verifies tokens with. */
@RestController
class JwksResource {

  private final TokenIssuer issuer;

  JwksResource(TokenIssuer issuer) {
    this.issuer = issuer;
  }

  @GetMapping("/.well-known/jwks.json")
  Map<String, Object> jwks() {
    return issuer.jwks();
  }
}
