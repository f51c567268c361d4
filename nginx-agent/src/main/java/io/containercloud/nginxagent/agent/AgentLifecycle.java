package io.containercloud.nginxagent.agent;

import io.containercloud.nginxagent.nginx.NginxAgentProperties;
import io.etcd.jetcd.Client;
import jakarta.validation.Validator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Runs this host's {@link Agent} while the application runs. */
@Component
class AgentLifecycle implements SmartLifecycle {

  private final Agent agent;
  private volatile boolean running;

  AgentLifecycle(
      NginxAgentProperties properties, Client etcd, JsonMapper json, Validator validator) {
    this.agent = new Agent(properties, etcd, json, validator);
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
