package io.containercloud.nginxagent.agent;

import io.containercloud.common.crypto.SecretCipher;
import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Validator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Runs this host's {@link Agent} while the application runs. */
@Component
class AgentLifecycle implements SmartLifecycle {

  private static final String KEY = "platform.nginx-agent.certificates-key";

  private final Agent agent;
  private volatile boolean running;

  /**
   * @param certificatesKey the key nginx-mgr seals certificate keys with; kept out of the
   *     properties record so that it is never printed with it
   */
  AgentLifecycle(
      NginxAgentProperties properties,
      Client etcd,
      JsonMapper json,
      Validator validator,
      MeterRegistry meters,
      @Value("${" + KEY + ":}") String certificatesKey) {
    SecretCipher cipher =
        certificatesKey.isBlank() ? null : SecretCipher.fromBase64(KEY, certificatesKey);
    this.agent = new Agent(properties, etcd, json, validator, cipher);
    FunctionCounter.builder("nginx.agent.reloads", agent, Agent::reloads)
        .description("Reloads of nginx by this agent (a pushed change makes none)")
        .register(meters);
  }

  @Override
  public void start() {
    agent.start();
    running = true;
  }

  @Override
  public void stop() {
    agent.stop();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
